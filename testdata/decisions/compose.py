#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes testdata/decisions/CASE.json from the conclusions worked out by
hand in DERIVATION.md, restated as data in CASES below.

A formatting aid, not an evaluator: each case states its facts (the
opt-out status with its window, choice and ignored requests; each terms
version's status; the purposes withheld for the account; which
conditions hold; which items exist). This script lays them out as the
decision object, copies from the policy what the decision names (ids,
rule pointers, the ids of the sources each element cites) and applies
SPEC 3.3 step 4 in its stated order to expand each rule into one entry
per purpose. It never runs dyd. Run it from anywhere:

    python3 testdata/decisions/compose.py [CASE...]

and review the diff by eye."""
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)
DEFAULT = os.path.join(TESTDATA, "..", "lib", "default_policy.yaml")

T16, T21 = "2016-08-25", "2021-01-04"
ADS = "ads_and_products"
EU = "region:european"


def load_policy(name):
    path = DEFAULT if name is None else os.path.join(TESTDATA, "policies", name)
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def refs(*elements):
    """The source ids the elements cite, each once, in citation order."""
    out = []
    for e in elements:
        for item in (e or {}).get("source", []):
            if item["ref"] not in out:
                out.append(item["ref"])
    return out


def optout_terms(policy):
    for i, t in enumerate(policy["terms"]):
        if "optout" in t:
            return i, t
    return None, None


def event(index, type_, at, channel):
    return {"type": type_, "at": at, "channel": channel, "event": "/events/%d" % index}


def ignored(index, type_, at, channel, why):
    return dict(event(index, type_, at, channel), why=why)


def compose_optout(policy, o):
    i, t = optout_terms(policy)
    if i is None:
        return None
    oo = t["optout"]
    out = {"terms": t["id"], "covers": list(oo["covers"]),
           "offered_to": oo["offered_to"], "final": oo.get("final", False),
           "status": o["status"], "reason": o["reason"]}
    if o.get("window"):
        out["window"] = {"start": o["window"][0], "end": o["window"][1]}
    out["window_open"] = o.get("open", False)
    if o.get("choice"):
        out["choice"] = o["choice"]
    out["ignored_requests"] = o.get("ignored", [])
    out["rule"] = "/terms/%d/optout" % i
    out["sources"] = refs(oo)
    return out


def compose_terms(policy, states):
    out = []
    for i, t in enumerate(policy["terms"]):
        st = states[t["id"]]
        e = {"id": t["id"], "effective": "%sT00:00:00Z" % t["effective"], "status": st[0]}
        cited = [t]
        if st[0] == "accepted":
            e["how"] = st[1]
            e["accepted_at"] = st[2]
            if st[1] == "explicit":
                e["event"] = "/events/%d" % st[3]
        elif "acceptance_deadline" in t:
            e["deadline"] = "%sT00:00:00Z" % t["acceptance_deadline"]
        if st[0] == "overdue" and len(st) > 1:
            j = st[1]
            wo = t["when_overdue"]
            if isinstance(wo, list):
                e["effect"] = wo[j]["effect"]
                e["effect_from"] = "%sT00:00:00Z" % wo[j]["from"]
                e["effect_rule"] = "/terms/%d/when_overdue/%d" % (i, j)
                cited.append(wo[j])
            else:
                e["effect"] = wo
                e["effect_from"] = e["deadline"]
                e["effect_rule"] = "/terms/%d/when_overdue" % i
        e["rule"] = "/terms/%d" % i
        e["sources"] = refs(*cited)
        out.append(e)
    return out


def withholder(policy, by):
    """The policy element that withholds a purpose: the opt-out or a region."""
    if by == "opt_out":
        return optout_terms(policy)[1]["optout"]
    return policy["regions"][by.split(":", 1)[1]]


def compose_categories(policy, c):
    out = []
    for ci, cat in enumerate(policy["categories"]):
        if "never" in cat:
            never = cat["never"]
            out.append({"id": cat["id"], "shared": False, "never": True,
                        "reason": never["en"] if isinstance(never, dict) else never,
                        "rule": "/categories/%d/never" % ci, "sources": refs(cat)})
            continue
        entries = []
        for ri, rule in enumerate(cat["shares"]):
            since = c["since"].get(rule["since"])
            for p in rule["purposes"]:
                e = {"purpose": p}
                cited = [rule]
                # SPEC 3.3 step 4, in its order.
                if since is None:
                    e["status"], by = "withheld", "terms_not_accepted"
                elif "when" in rule and not c["conds"][cat["id"]]:
                    e["status"], by = "withheld", "condition_false"
                elif p in c["withheld"]:
                    e["status"], by = "withheld", c["withheld"][p]
                    cited.append(withholder(policy, by))
                else:
                    e["status"], by = "shared", None
                if by is None:
                    e["since"] = since
                else:
                    e["withheld_by"] = by
                e["rule"] = "/categories/%d/shares/%d" % (ci, ri)
                e["sources"] = refs(*cited)
                entries.append(e)
        shared = any(e["status"] == "shared" for e in entries)
        o = {"id": cat["id"], "shared": shared, "purposes": entries}
        if shared and "items" in cat:
            o["items"] = c["items"].get(cat["id"], [])
        out.append(o)
    return out


def compose(c):
    policy = load_policy(c.get("policy"))
    d = {"format": "dyd.decision/v1", "account_id": c["account"], "as_of": c["as_of"],
         "policy": {"id": policy["id"], "sha256": "POLICY_SHA256"},
         "region": {"country": c.get("country"), "regions": c.get("regions", [])},
         "optout": compose_optout(policy, c["optout"]) if "optout" in c else None,
         "terms": compose_terms(policy, c["terms"])}
    d["withheld_purposes"] = [
        {"purpose": p["id"], "withheld_by": c["withheld"][p["id"]],
         "sources": refs(withholder(policy, c["withheld"][p["id"]]))}
        for p in policy["purposes"] if p["id"] in c["withheld"]]
    d["categories"] = compose_categories(policy, c)
    return d


def case(name, record, as_of, account, **kw):
    kw.update(name=name, record=record, as_of=as_of, account=account)
    kw.setdefault("withheld", {})
    kw.setdefault("conds", {})
    kw.setdefault("items", {})
    return kw


NOT_YET = {T16: ("not_yet_effective",), T21: ("not_yet_effective",)}
BEFORE_OFFER = {"status": "not_offered", "reason": "before_offer"}
AFTER_OFFER = {"status": "not_offered", "reason": "registered_after_offer"}
NO_SINCE = {}


def opted_out(window, choice, open_=False, ignored_=()):
    return {"status": "opted_out", "reason": "optout_in_window", "window": window,
            "open": open_, "choice": choice, "ignored": list(ignored_)}


def no_choice(window, open_=False, ignored_=()):
    return {"status": "not_opted_out", "reason": "no_choice_in_window", "window": window,
            "open": open_, "ignored": list(ignored_)}


# Budi: T16 accepted 2016-09-03T12:42:10Z (/events/0), opt-out /events/1.
BUDI_W = ("2016-09-03T12:42:10Z", "2016-10-03T12:42:10Z")
BUDI_CHOICE = event(1, "optout", "2016-09-03T12:42:10Z", "checkbox")
BUDI_T16 = ("accepted", "explicit", "2016-09-03T12:42:10Z", 0)
BUDI_T21 = ("accepted", "explicit", "2021-02-10T02:00:00Z", 2)

ANDI_W = ("2016-09-05T08:00:00Z", "2016-10-05T08:00:00Z")
ANDI_OPTOUT = event(1, "optout", "2016-09-05T08:00:00Z", "checkbox")
ANDI_OPTIN = event(2, "optin", "2016-09-15T12:00:00Z", "settings")

DEWI_W = ("2016-09-12T07:20:00Z", "2016-10-12T07:20:00Z")
DEWI_EARLY = ignored(0, "optout", "2016-08-27T02:00:00Z", "support", "before_window")

LUKAS_W = ("2016-09-01T10:00:00Z", "2016-10-01T10:00:00Z")
LUKAS_LATE = ignored(1, "optout", "2016-10-01T10:00:00Z", "settings", "after_window")

EMMA_W = ("2016-08-30T09:15:30.25Z", "2016-09-29T09:15:30.25Z")
EMMA_CHOICE = event(1, "optout", "2016-09-29T09:15:30.249Z", "settings")

HANS_W = ("2016-09-08T17:00:00Z", "2016-10-08T17:00:00Z")
HANS_EARLY = ignored(0, "optout", "2016-03-01T08:00:00Z", "support", "before_window")
HANS_CHOICE = event(2, "optout", "2016-09-20T06:00:00Z", "settings")


def lukas(name, as_of, t21):
    return case(name, "lukas-becker.json", as_of, "lukas-becker", country="DE", regions=["european"],
                optout=no_choice(LUKAS_W, ignored_=[LUKAS_LATE]),
                terms={T16: ("accepted", "explicit", "2016-09-01T10:00:00Z", 0), T21: t21},
                since={T16: "2016-09-01T10:00:00Z"}, withheld={ADS: EU})


def budi(name, as_of, t21, since21=None, open_=False, conds=None, items=None):
    return case(name, "budi-santoso.json", as_of, "budi.santoso", country="ID",
                optout=opted_out(BUDI_W, BUDI_CHOICE, open_),
                terms={T16: BUDI_T16, T21: t21},
                since={T16: "2016-09-03T12:42:10Z", T21: since21}, withheld={ADS: "opt_out"},
                conds=conds or {}, items=items or {})


CASES = [
    case("budi-before-offer", "budi-santoso.json", "2016-06-01T00:00:00Z", "budi.santoso", country="ID",
         optout=BEFORE_OFFER, terms=NOT_YET, since=NO_SINCE),
    case("budi-at-acceptance", "budi-santoso.json", "2016-09-03T12:42:10Z", "budi.santoso", country="ID",
         optout=opted_out(BUDI_W, BUDI_CHOICE, True), terms={T16: BUDI_T16, T21: ("not_yet_effective",)},
         since={T16: "2016-09-03T12:42:10Z"}, withheld={ADS: "opt_out"}),
    case("budi-window-open", "budi-santoso.json", "2016-09-10T00:00:00Z", "budi.santoso", country="ID",
         optout=opted_out(BUDI_W, BUDI_CHOICE, True), terms={T16: BUDI_T16, T21: ("not_yet_effective",)},
         since={T16: "2016-09-03T12:42:10Z"}, withheld={ADS: "opt_out"}),
    case("budi-window-closed", "budi-santoso.json", "2016-10-03T12:42:10Z", "budi.santoso", country="ID",
         optout=opted_out(BUDI_W, BUDI_CHOICE), terms={T16: BUDI_T16, T21: ("not_yet_effective",)},
         since={T16: "2016-09-03T12:42:10Z"}, withheld={ADS: "opt_out"}),
    budi("budi-2021-pending", "2021-01-10T00:00:00Z", ("pending",)),
    budi("budi-2021", "2021-06-01T00:00:00Z", BUDI_T21, "2021-02-10T02:00:00Z",
         conds={"business_messages": True, "transaction_data": True},
         items={"business_messages": ["/business_chats/0", "/business_chats/3"]}),
    budi("budi-2021-03-01", "2021-03-01T00:00:00Z", BUDI_T21, "2021-02-10T02:00:00Z",
         conds={"business_messages": True, "transaction_data": False},
         items={"business_messages": ["/business_chats/0"]}),
    case("siti-settings-optout", "siti-rahayu.yaml", "2021-06-01T00:00:00Z", "siti.rahayu", country="ID",
         optout=opted_out(("2016-08-29T03:00:00Z", "2016-09-28T03:00:00Z"),
                          event(1, "optout", "2016-09-20T14:30:00Z", "settings")),
         terms={T16: ("accepted", "explicit", "2016-08-29T03:00:00Z", 0),
                T21: ("accepted", "explicit", "2021-02-28T22:00:00Z", 2)},
         since={T16: "2016-08-29T03:00:00Z", T21: "2021-02-28T22:00:00Z"}, withheld={ADS: "opt_out"},
         conds={"business_messages": False, "transaction_data": False}),
    case("andi-optin", "andi-wijaya.json", "2021-06-01T00:00:00Z", "andi_wijaya", country="ID",
         optout=opted_out(ANDI_W, ANDI_OPTOUT,
                          ignored_=[dict(ANDI_OPTIN, why="already_opted_out")]),
         terms={T16: ("accepted", "explicit", "2016-09-05T08:00:00Z", 0), T21: ("overdue", 1)},
         since={T16: "2016-09-05T08:00:00Z"}, withheld={ADS: "opt_out"}),
    case("andi-window-optout", "andi-wijaya.json", "2016-09-10T00:00:00Z", "andi_wijaya", country="ID",
         optout=opted_out(ANDI_W, ANDI_OPTOUT, True),
         terms={T16: ("accepted", "explicit", "2016-09-05T08:00:00Z", 0), T21: ("not_yet_effective",)},
         since={T16: "2016-09-05T08:00:00Z"}, withheld={ADS: "opt_out"}),
    case("dewi-no-choice", "dewi-lestari.yaml", "2021-06-01T00:00:00Z", "dewi.lestari", country="ID",
         optout=no_choice(DEWI_W, ignored_=[
             DEWI_EARLY, ignored(2, "optout", "2017-09-01T13:00:00Z", "settings", "after_window")]),
         terms={T16: ("accepted", "explicit", "2016-09-12T07:20:00Z", 1),
                T21: ("accepted", "explicit", "2021-01-20T01:00:00Z", 3)},
         since={T16: "2016-09-12T07:20:00Z", T21: "2021-01-20T01:00:00Z"},
         conds={"business_messages": False, "transaction_data": False}),
    case("dewi-window-no-choice-yet", "dewi-lestari.yaml", "2016-09-20T00:00:00Z", "dewi.lestari",
         country="ID", optout=no_choice(DEWI_W, True, [DEWI_EARLY]),
         terms={T16: ("accepted", "explicit", "2016-09-12T07:20:00Z", 1), T21: ("not_yet_effective",)},
         since={T16: "2016-09-12T07:20:00Z"}),
    lukas("lukas-at-deadline", "2021-05-15T00:00:00Z", ("pending",)),
    lukas("lukas-overdue", "2021-05-15T00:00:01Z", ("overdue", 0)),
    lukas("lukas-overdue-2021-05-20", "2021-05-20T00:00:00Z", ("overdue", 0)),
    lukas("lukas-reminders-2021-05-28", "2021-05-28T00:00:00Z", ("overdue", 1)),
    lukas("lukas-reminders-2021-07-01", "2021-07-01T00:00:00Z", ("overdue", 1)),
    case("emma-2021", "emma-clarke.yaml", "2021-06-01T00:00:00Z", "emma.clarke", country="GB",
         regions=["european"], optout=opted_out(EMMA_W, EMMA_CHOICE),
         terms={T16: ("accepted", "explicit", "2016-08-30T09:15:30.25Z", 0),
                T21: ("accepted", "explicit", "2021-04-02T02:00:00Z", 2)},
         since={T16: "2016-08-30T09:15:30.25Z", T21: "2021-04-02T02:00:00Z"}, withheld={ADS: "opt_out"},
         conds={"business_messages": True, "transaction_data": False},
         items={"business_messages": ["/business_chats/0"]}),
    case("emma-window-closes", "emma-clarke.yaml", "2016-09-29T09:15:30.25Z", "emma.clarke", country="GB",
         regions=["european"], optout=opted_out(EMMA_W, EMMA_CHOICE),
         terms={T16: ("accepted", "explicit", "2016-08-30T09:15:30.25Z", 0), T21: ("not_yet_effective",)},
         since={T16: "2016-08-30T09:15:30.25Z"}, withheld={ADS: "opt_out"}),
    case("nicolas-ch", "nicolas-favre.json", "2021-06-01T00:00:00Z", "nicolas.favre", country="CH",
         regions=["european"], optout=no_choice(("2016-09-02T18:00:00Z", "2016-10-02T18:00:00Z")),
         terms={T16: ("accepted", "explicit", "2016-09-02T18:00:00Z", 0),
                T21: ("accepted", "explicit", "2021-03-15T07:30:00Z", 1)},
         since={T16: "2016-09-02T18:00:00Z", T21: "2021-03-15T07:30:00Z"}, withheld={ADS: EU},
         conds={"business_messages": False, "transaction_data": True}),
    case("rina-registered-2019", "rina-kusuma.yaml", "2021-06-01T00:00:00Z", "rina.kusuma", country="ID",
         optout=dict(AFTER_OFFER, ignored=[ignored(0, "optout", "2019-04-01T02:00:00Z", "support",
                                                   "not_offered")]),
         terms={T16: ("accepted", "at_registration", "2019-03-10T03:00:00Z"),
                T21: ("accepted", "explicit", "2021-02-01T03:11:12.123456789Z", 1)},
         since={T16: "2019-03-10T03:00:00Z", T21: "2021-02-01T03:11:12.123456789Z"},
         conds={"business_messages": False, "transaction_data": True}),
    case("ayu-registered-at-offer", "ayu-pratiwi.json", "2021-03-01T00:00:00Z", "ayu.pratiwi",
         optout=dict(AFTER_OFFER, ignored=[ignored(1, "optout", "2016-08-25T00:05:00Z", "checkbox",
                                                   "not_offered")]),
         terms={T16: ("accepted", "at_registration", "2016-08-25T00:00:00Z"), T21: ("pending",)},
         since={T16: "2016-08-25T00:00:00Z"}),
    case("made-accepted-at-effective", "made-sudarsana.yaml", "2021-01-04T00:00:00Z", "made.sudarsana",
         country="ID", optout=opted_out(("2016-08-25T00:00:00Z", "2016-09-24T00:00:00Z"),
                                        event(1, "optout", "2016-09-23T23:59:59Z", "settings")),
         terms={T16: ("accepted", "explicit", "2016-08-25T00:00:00Z", 0), T21: ("pending",)},
         since={T16: "2016-08-25T00:00:00Z"}, withheld={ADS: "opt_out"}),
    case("ahmad-never-accepted", "ahmad-fauzi.json", "2021-06-01T00:00:00Z", "ahmad.fauzi", country="ID",
         optout={"status": "not_opted_out", "reason": "terms_not_accepted",
                 "ignored": [ignored(0, "optout", "2016-09-05T03:00:00Z", "settings", "terms_not_accepted")]},
         terms={T16: ("pending",), T21: ("overdue", 1)}, since=NO_SINCE),
    case("ahmad-never-accepted-2020", "ahmad-fauzi.json", "2020-01-01T00:00:00Z", "ahmad.fauzi",
         country="ID",
         optout={"status": "not_opted_out", "reason": "terms_not_accepted",
                 "ignored": [ignored(0, "optout", "2016-09-05T03:00:00Z", "settings", "terms_not_accepted")]},
         terms={T16: ("pending",), T21: ("not_yet_effective",)}, since=NO_SINCE),
    case("hans-before-offer", "hans-mueller.yaml", "2016-06-01T00:00:00Z", "hans.mueller", country="DE",
         regions=["european"],
         optout=dict(BEFORE_OFFER, ignored=[dict(HANS_EARLY, why="not_offered")]),
         terms=NOT_YET, since=NO_SINCE, withheld={ADS: EU}),
    case("hans-overdue", "hans-mueller.yaml", "2021-05-18T00:00:00Z", "hans.mueller", country="DE",
         regions=["european"], optout=opted_out(HANS_W, HANS_CHOICE, ignored_=[HANS_EARLY]),
         terms={T16: ("accepted", "explicit", "2016-09-08T17:00:00Z", 1), T21: ("overdue", 0)},
         since={T16: "2016-09-08T17:00:00Z"}, withheld={ADS: "opt_out"}),
    case("hans-2021", "hans-mueller.yaml", "2021-06-01T00:00:00Z", "hans.mueller", country="DE",
         regions=["european"], optout=opted_out(HANS_W, HANS_CHOICE, ignored_=[HANS_EARLY]),
         terms={T16: ("accepted", "explicit", "2016-09-08T17:00:00Z", 1),
                T21: ("accepted", "explicit", "2021-05-20T08:00:00Z", 3)},
         since={T16: "2016-09-08T17:00:00Z", T21: "2021-05-20T08:00:00Z"}, withheld={ADS: "opt_out"},
         conds={"business_messages": True, "transaction_data": True},
         items={"business_messages": ["/business_chats/0"]}),
    case("marco-unsorted-events", "marco-rossi.json", "2021-06-01T00:00:00Z", "marco.rossi", country="IT",
         regions=["european"],
         optout=opted_out(("2016-09-10T10:00:00Z", "2016-10-10T10:00:00Z"),
                          event(2, "optout", "2016-09-20T00:00:00Z", "settings"), ignored_=[
                              ignored(4, "optout", "2016-09-05T00:00:00Z", "support", "before_window"),
                              ignored(1, "optin", "2016-11-01T00:00:00Z", "settings", "after_window")]),
         terms={T16: ("accepted", "explicit", "2016-09-10T10:00:00Z", 0),
                T21: ("accepted", "explicit", "2021-02-02T08:00:00Z", 5)},
         since={T16: "2016-09-10T10:00:00Z", T21: "2021-02-02T08:00:00Z"}, withheld={ADS: "opt_out"},
         conds={"business_messages": False, "transaction_data": True}),
    case("yusuf-2021-only", "yusuf-hidayat.yaml", "2021-06-01T00:00:00Z", "yusuf.hidayat", country="ID",
         optout={"status": "not_opted_out", "reason": "terms_not_accepted"},
         terms={T16: ("pending",), T21: ("accepted", "explicit", "2021-05-10T05:00:00Z", 0)},
         since={T21: "2021-05-10T05:00:00Z"},
         conds={"business_messages": True, "transaction_data": True},
         items={"business_messages": ["/business_chats/0", "/business_chats/1"]}),
    case("putri-registered-2021", "putri-maharani.yaml", "2021-06-01T00:00:00Z", "putri.maharani",
         country="ID", optout=AFTER_OFFER,
         terms={T16: ("accepted", "at_registration", "2021-02-14T13:00:00Z"),
                T21: ("accepted", "at_registration", "2021-02-14T13:00:00Z")},
         since={T16: "2021-02-14T13:00:00Z", T21: "2021-02-14T13:00:00Z"},
         conds={"business_messages": True, "transaction_data": True},
         items={"business_messages": ["/business_chats/0"]}),
    case("sophie-registered-2018", "sophie-dubois.json", "2019-01-01T00:00:00Z", "sophie.dubois",
         country="FR", regions=["european"], optout=AFTER_OFFER,
         terms={T16: ("accepted", "at_registration", "2018-06-01T12:00:00Z"), T21: ("not_yet_effective",)},
         since={T16: "2018-06-01T12:00:00Z"}, withheld={ADS: EU}),
    case("sophie-at-registration", "sophie-dubois.json", "2018-06-01T12:00:00Z", "sophie.dubois",
         country="FR", regions=["european"], optout=AFTER_OFFER,
         terms={T16: ("accepted", "at_registration", "2018-06-01T12:00:00Z"), T21: ("not_yet_effective",)},
         since={T16: "2018-06-01T12:00:00Z"}, withheld={ADS: EU}),
    case("chloe-monaco", "chloe-martin.yaml", "2021-06-01T00:00:00Z", "chloe.martin", country="MC",
         regions=["european"], optout=no_choice(("2016-09-06T16:00:00Z", "2016-10-06T16:00:00Z")),
         terms={T16: ("accepted", "explicit", "2016-09-06T16:00:00Z", 0),
                T21: ("accepted", "explicit", "2021-03-10T08:00:00Z", 1)},
         since={T16: "2016-09-06T16:00:00Z", T21: "2021-03-10T08:00:00Z"}, withheld={ADS: EU},
         conds={"business_messages": False, "transaction_data": True}),
    case("lea-reunion", "lea-hoarau.yaml", "2021-06-01T00:00:00Z", "lea.hoarau", country="RE",
         regions=["european"], optout=AFTER_OFFER,
         terms={T16: ("accepted", "at_registration", "2019-09-09T05:00:00Z"),
                T21: ("accepted", "explicit", "2021-01-20T06:00:00Z", 0)},
         since={T16: "2019-09-09T05:00:00Z", T21: "2021-01-20T06:00:00Z"}, withheld={ADS: EU},
         conds={"business_messages": False, "transaction_data": False}),
    case("rudi-twice", "rudi-hartono.yaml", "2021-06-01T00:00:00Z", "rudi.hartono", country="ID",
         optout=opted_out(("2016-09-01T03:00:00Z", "2016-10-01T03:00:00Z"),
                          event(1, "optout", "2016-09-02T03:00:00Z", "settings"), ignored_=[
                              ignored(2, "optout", "2016-09-10T03:00:00Z", "support", "already_opted_out"),
                              ignored(3, "optin", "2016-12-01T03:00:00Z", "settings", "after_window")]),
         terms={T16: ("accepted", "explicit", "2016-09-01T03:00:00Z", 0), T21: ("overdue", 1)},
         since={T16: "2016-09-01T03:00:00Z"}, withheld={ADS: "opt_out"}),
    case("wulan-2021-03-01", "wulan-sari.yaml", "2021-03-01T00:00:00Z", "wulan.sari", country="ID",
         optout=AFTER_OFFER,
         terms={T16: ("accepted", "at_registration", "2020-06-01T02:00:00Z"),
                T21: ("accepted", "explicit", "2021-01-10T03:00:00Z", 0)},
         since={T16: "2020-06-01T02:00:00Z", T21: "2021-01-10T03:00:00Z"},
         conds={"business_messages": False, "transaction_data": False}),
    case("wulan-2024-06-01", "wulan-sari.yaml", "2024-06-01T00:00:00Z", "wulan.sari", country="ID",
         optout=AFTER_OFFER,
         terms={T16: ("accepted", "at_registration", "2020-06-01T02:00:00Z"),
                T21: ("accepted", "explicit", "2021-01-10T03:00:00Z", 0)},
         since={T16: "2020-06-01T02:00:00Z", T21: "2021-01-10T03:00:00Z"},
         conds={"business_messages": True, "transaction_data": True},
         items={"business_messages": ["/business_chats/0"]}),
    # policy-cases.txt
    case("minimal-policy-putri", "putri-maharani.yaml", "2021-06-01T00:00:00Z", "putri.maharani",
         policy="minimal.yaml", country="ID",
         terms={"2020-01-01": ("accepted", "at_registration", "2021-02-14T13:00:00Z")},
         since={"2020-01-01": "2021-02-14T13:00:00Z"}),
    case("last-choice-andi", "andi-wijaya.json", "2021-06-01T00:00:00Z", "andi_wijaya",
         policy="last-choice.yaml", country="ID",
         optout={"status": "not_opted_out", "reason": "optin_in_window", "window": ANDI_W,
                 "choice": ANDI_OPTIN},
         terms={T16: ("accepted", "explicit", "2016-09-05T08:00:00Z", 0), T21: ("overdue", 0)},
         since={T16: "2016-09-05T08:00:00Z"}),
    case("all-users-rina", "rina-kusuma.yaml", "2021-06-01T00:00:00Z", "rina.kusuma",
         policy="all-users.yaml", country="ID",
         optout=opted_out(("2019-03-10T03:00:00Z", "2019-04-09T03:00:00Z"),
                          event(0, "optout", "2019-04-01T02:00:00Z", "support")),
         terms={T16: ("accepted", "at_registration", "2019-03-10T03:00:00Z"),
                T21: ("accepted", "explicit", "2021-02-01T03:11:12.123456789Z", 1)},
         since={T16: "2019-03-10T03:00:00Z", T21: "2021-02-01T03:11:12.123456789Z"},
         withheld={ADS: "opt_out"}),
]


def main(argv):
    wanted = set(argv)
    for c in CASES:
        if wanted and c["name"] not in wanted:
            continue
        text = json.dumps(compose(c), indent=2, ensure_ascii=False) + "\n"
        with open(os.path.join(HERE, c["name"] + ".json"), "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
