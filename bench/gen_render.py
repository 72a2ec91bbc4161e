#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Inputs of bench/render.sh: the largest record and the widest policy the
report renderers meet.

  gen_render.py events N -o FILE    a dyd.account/v1 record (JSON) with N
      events: one acceptance of the 2016-08-25 terms, then N - 1 opt-out
      and opt-in requests a minute apart, the first of them a final
      opt-out in the window, so N - 2 do not count. N is at most 100,000,
      the most an array may hold (dyd-account(5)).
  gen_render.py policy P C -o FILE  a dyd.policy/v1 policy (YAML) with P
      purposes and C categories, each category shared for every purpose
      from its terms: a sharing matrix of P x C cells, as wide as a policy
      of at most 1 MiB can make it.

Deterministic, standard library only.
"""

import argparse
import datetime
import json
import sys


def events_record(n):
    accepted = datetime.datetime(2016, 9, 1, tzinfo=datetime.timezone.utc)
    events = [{"type": "terms_accepted", "terms": "2016-08-25",
               "at": accepted.strftime("%Y-%m-%dT%H:%M:%SZ")}]
    for i in range(n - 1):
        at = accepted + datetime.timedelta(days=1, minutes=i)
        events.append({"type": "optout" if i % 2 == 0 else "optin",
                       "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "channel": "settings"})
    return json.dumps({"format": "dyd.account/v1",
                       "account_id": "bench.events",
                       "phone": "+6281234567890",
                       "registered_at": "2014-01-01T00:00:00Z",
                       "region": "ID", "language": "en",
                       "events": events}, separators=(",", ":")) + "\n"


def wide_policy(purposes, categories):
    ids = ["p%d" % i for i in range(purposes)]
    # Every element cites the one document, each in words of its own, so
    # the page numbers P + C + 3 footnotes.
    def cite(indent, words):
        return [indent + "source:",
                indent + "  - {ref: doc, quote: \"%s\"}" % words]
    out = ["format: dyd.policy/v1", "id: bench-wide", "service: S",
           "parent_company: P", "sources:",
           "  - {id: doc, title: The document, publisher: P, date: 2021,"
           " url: \"https://example.org/doc\"}", "terms:",
           "  - id: \"2016-08-25\"", "    title: T2016",
           "    effective: 2016-08-25"] + cite("    ", "terms of 2016") + [
           "    optout:",
           "      window_days: 30", "      offered_to: existing_users",
           "      covers: [p0]", "      final: true"] + cite(
               "      ", "the opt-out") + [
           "  - id: \"2021-01-04\"", "    title: T2021",
           "    effective: 2021-01-04"] + cite("    ", "terms of 2021") + [
           "purposes:"]
    for p in ids:
        out += ["  - id: %s" % p, "    label: Purpose %s" % p,
                "    description: What %s is for." % p] + cite(
                    "    ", "purpose %s" % p)
    out.append("categories:")
    for c in range(categories):
        out += ["  - id: c%d" % c, "    label: Category %d" % c,
                "    description: Data of kind %d." % c,
                "    fields: [phone]", "    shares:",
                "      - since: \"%s\"" % ("2016-08-25" if c % 2 else
                                          "2021-01-04"),
                "        purposes: [%s]" % ", ".join(ids)] + cite(
                    "        ", "category %d" % c)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    e = sub.add_parser("events")
    e.add_argument("n", type=int)
    e.add_argument("-o", "--output", required=True)
    p = sub.add_parser("policy")
    p.add_argument("purposes", type=int)
    p.add_argument("categories", type=int)
    p.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    if args.what == "events":
        if not 2 <= args.n <= 100000:
            sys.exit("gen_render.py: N must be from 2 to 100000")
        text = events_record(args.n)
    else:
        text = wide_policy(args.purposes, args.categories)
    with open(args.output, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
