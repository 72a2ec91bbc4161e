#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Deterministic generator of synthetic dyd.account/v1 records (JSON Lines).

Record i depends only on (--seed, i, --profile, --contacts): the first K
lines of a run with --count N > K are exactly the lines of a run with
--count K, so one big file can be cut with `head -n K`.

Profiles:
  small    minimal record: identity, events, profile, settings, 1 device;
           no contacts, groups, chats or transactions.
  typical  ~150 contacts, 8 groups, 3 business chats (parent/partner/self
           mixed), 2 devices, a few blocked numbers and transactions.
  heavy    ~2000 contacts, 40 groups, 20 business chats, 3 devices,
           30 transactions.

Events follow the default policy (terms 2016-08-25 with a 30-day opt-out
window for users registered before it; terms 2021-01-04 with a deadline of
2021-05-15): most existing users accept the 2016 terms, about 20% opt out
inside their window, some opt in, some ask too late or before the window;
most accounts accept the 2021 terms. All timestamps lie before
2021-06-01T00:00:00Z except a small share of 2021 acceptances (about 2%),
which lie after it and are ignored when evaluating as of that instant.

Pure standard library. Usage:
  gen_records.py --count 10000 --profile typical --seed 1 -o recs.jsonl
  gen_records.py --count 1 --profile heavy --contacts 20000 --gzip > h.jsonl.gz
"""

import argparse
import gzip
import json
import random
import sys

# ---------------------------------------------------------------- constants

def _epoch(y, mo, d, h=0, mi=0, s=0):
    # Days from civil (Howard Hinnant), independent of the local time zone.
    y -= mo <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (mo + (-3 if mo > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return days * 86400 + h * 3600 + mi * 60 + s


DAY = 86400
REG_START = _epoch(2012, 1, 1)
REG_END = _epoch(2021, 1, 1)          # registered_at in [2012, 2020]
TERMS_2016 = _epoch(2016, 8, 25)
TERMS_2021 = _epoch(2021, 1, 4)
AS_OF = _epoch(2021, 6, 1)            # the benchmark's --as-of
WINDOW = 30 * DAY

# region: (weight, phone generator spec, utc offset minutes, languages,
#          currency, carriers)
# Phone spec: (country code, list of (prefix, number of random digits)).
REGIONS = [
    ("ID", 30, "62", [("812", 8), ("813", 8), ("821", 9), ("857", 8),
                      ("878", 8)], 420, [("id", 80), ("en", 20)], "IDR",
     ["Telkomsel", "Indosat Ooredoo", "XL Axiata", "Tri", "Smartfren"]),
    ("IN", 18, "91", [("98", 8), ("97", 8), ("88", 8), ("70", 8),
                      ("63", 8)], 330, [("en", 85), ("hi", 15)], "INR",
     ["Jio", "Airtel", "Vi", "BSNL"]),
    ("BR", 14, "55", [("119", 8), ("219", 8), ("319", 8), ("619", 8)],
     -180, [("pt-BR", 60), ("en", 40)], "BRL",
     ["Vivo", "Claro", "TIM", "Oi"]),
    ("DE", 8, "49", [("151", 8), ("160", 7), ("170", 7), ("176", 8)], 60,
     [("de", 50), ("en", 50)], "EUR",
     ["Telekom", "Vodafone", "O2"]),
    ("GB", 7, "44", [("77", 8), ("78", 8), ("79", 8), ("74", 8)], 0,
     [("en", 90), ("en-GB", 10)], "GBP",
     ["EE", "Vodafone UK", "O2 UK", "Three"]),
    ("US", 8, "1", [("212", 7), ("415", 7), ("312", 7), ("646", 7)], -300,
     [("en", 85), ("es", 15)], "USD",
     ["Verizon", "AT&T", "T-Mobile"]),
    ("FR", 4, "33", [("6", 8), ("7", 8)], 60, [("fr", 60), ("en", 40)],
     "EUR", ["Orange", "SFR", "Bouygues", "Free"]),
    ("NL", 3, "31", [("6", 8)], 60, [("nl", 50), ("en", 50)], "EUR",
     ["KPN", "Vodafone NL", "T-Mobile NL"]),
    ("MX", 3, "52", [("155", 8), ("133", 8), ("181", 8)], -360,
     [("es", 70), ("en", 30)], "MXN", ["Telcel", "AT&T Mexico", "Movistar"]),
    ("NG", 3, "234", [("803", 7), ("806", 7), ("813", 7), ("905", 7)], 60,
     [("en", 100)], "NGN", ["MTN", "Glo", "Airtel NG", "9mobile"]),
    ("SG", 2, "65", [("8", 7), ("9", 7)], 480, [("en", 100)], "SGD",
     ["Singtel", "StarHub", "M1"]),
]
REGION_CUM = []
_acc = 0
for _r in REGIONS:
    _acc += _r[1]
    REGION_CUM.append(_acc)
REGION_TOTAL = _acc

FIRST_NAMES = ["Ayu", "Budi", "Dewi", "Andi", "Putri", "Made", "Ahmad",
               "Siti", "Rina", "Hans", "Lukas", "Emma", "Sophie", "Oliver",
               "Amelia", "Priya", "Arjun", "Rahul", "Ana", "João", "Lucas",
               "Maria", "José", "Chloé", "Zoë", "Chinedu", "Ngozi", "Wei",
               "Mei", "Nicolás", "Ömer", "Bjørn", "Daan", "Fleur"]
ABOUTS = ["Hey there! I am using WhatsApp.", "Available", "Busy",
          "At work", "Sibuk", "Sedang rapat", "Jangan telepon, chat saja",
          "Urgent calls only", "🙂", "Living the dream ✈️", "Battery about to die",
          "Em reunião", "Nicht stören", "Can't talk, WhatsApp only"]
GROUP_WORDS = ["Family", "Keluarga Besar", "Arisan", "Alumni SMA 3",
               "Football", "Book club", "Office", "Tim Proyek", "Neighbours",
               "RT 05", "Class of 2010", "Hiking ⛰️", "Moms", "Badminton",
               "Church choir", "Pengajian", "Startup founders", "Wedding 💍",
               "Kost Melati", "Team Müller", "Grupo da família", "Trip Bali"]
BUSINESS_WORDS = ["Toko Buku", "Warung Sate", "Bank", "Airline",
                  "Pizza", "Pharmacy", "Ojek", "Insurance", "Laundry",
                  "Café Müller", "Telecom", "Electronics", "Hotel",
                  "Clinic", "Courier", "Bakery", "Florist", "Cinema"]
DEVICES = [("Pixel 3a", "Android 11"), ("Pixel 5", "Android 11"),
           ("Galaxy A51", "Android 10"), ("Galaxy S21", "Android 11"),
           ("Redmi Note 9", "Android 10"), ("OPPO A53", "Android 10"),
           ("vivo Y20", "Android 10"), ("iPhone 8", "iOS 14.4"),
           ("iPhone 11", "iOS 14.5"), ("iPhone 12", "iOS 14.5.1"),
           ("iPhone SE", "iOS 13.7"), ("Moto G8", "Android 10")]
APP_VERSIONS = ["2.21.3.19", "2.21.4.22", "2.21.5.17", "2.21.8.17",
                "2.20.206.24", "2.21.60", "2.21.71"]
# Weighted table: everyone 45%, contacts 40%, contacts_except 10%, nobody 5%.
ACCESS = (["everyone"] * 9 + ["contacts"] * 8 + ["contacts_except"] * 2 +
          ["nobody"])
DISAPPEAR = ["off", "off", "off", "off", "off", "24h", "7d", "7d", "90d"]
HOSTING = ["parent", "parent", "partner", "self"]
ROLES = ["member"] * 8 + ["admin", "creator"]
CHANNELS_OPTOUT = ["checkbox", "checkbox", "checkbox", "settings", "settings",
                   "support"]


# ------------------------------------------------------------------ helpers

def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def fmt_ts(t, offset_min):
    """RFC 3339 with the region's offset, e.g. 2016-09-01T10:00:00+07:00."""
    local = t + offset_min * 60
    days, sec = divmod(local, DAY)
    # civil from days (Howard Hinnant)
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    y += m <= 2
    if offset_min == 0:
        off = "Z"
    else:
        sign = "+" if offset_min > 0 else "-"
        a = abs(offset_min)
        off = "%s%02d:%02d" % (sign, a // 60, a % 60)
    return "%04d-%02d-%02dT%02d:%02d:%02d%s" % (
        y, m, d, sec // 3600, sec // 60 % 60, sec % 60, off)


def phone(rng, region):
    cc = region[2]
    prefix, digits = region[3][int(rng.random() * len(region[3]))]
    n = int(rng.random() * 10 ** digits)
    return "+%s%s%0*d" % (cc, prefix, digits, n)


def any_phone(rng, home):
    # 90% of a person's contacts share their country.
    if rng.random() < 0.9:
        return phone(rng, home)
    return phone(rng, REGIONS[int(rng.random() * len(REGIONS))])


def between(rng, lo, hi):
    return lo + int(rng.random() * max(1, hi - lo))


def ipv4(rng):
    return "%d.%d.%d.%d" % (between(rng, 1, 223), int(rng.random() * 256),
                            int(rng.random() * 256), between(rng, 1, 255))


def ipv6(rng):
    return "2001:db8:%x:%x::%x" % (int(rng.random() * 65536),
                                   int(rng.random() * 65536),
                                   between(rng, 1, 65536))


# ------------------------------------------------------------------- events

def make_events(rng, reg, off):
    """Events and a label of what they are meant to exercise."""
    ev = []

    def add(t, **kw):
        e = {"type": kw.pop("type")}
        e.update(kw)
        e["at"] = fmt_ts(t, off)
        ev.append((t, e))

    if reg < TERMS_2016:
        # Existing user: offered the opt-out when accepting the 2016 terms.
        if rng.random() < 0.92:
            # Most accept in the first weeks, a tail up to a year later.
            if rng.random() < 0.8:
                acc = TERMS_2016 + int(rng.random() * 45 * DAY)
            else:
                acc = TERMS_2016 + int(rng.random() * 365 * DAY)
            acc = max(acc, reg + 60)
            add(acc, type="terms_accepted", terms="2016-08-25")
            x = rng.random()
            if x < 0.22:
                # Opt out inside the window (checkbox at acceptance, or the
                # settings toggle later); some change their mind.
                ch = CHANNELS_OPTOUT[int(rng.random() * len(CHANNELS_OPTOUT))]
                t = acc if ch == "checkbox" else acc + between(rng, 60,
                                                               WINDOW - DAY)
                add(t, type="optout", channel=ch)
                if rng.random() < 0.08:
                    add(between(rng, t + 60, acc + WINDOW - 60), type="optin",
                        channel="settings")
            elif x < 0.26:
                add(between(rng, acc, acc + WINDOW - 60), type="optin",
                    channel="settings")
            elif x < 0.32:
                # Too late: after the window closed.
                add(between(rng, acc + WINDOW + DAY, AS_OF - 30 * DAY),
                    type="optout",
                    channel="settings" if rng.random() < 0.6 else "support")
            elif x < 0.33 and acc - reg > 2 * DAY:
                # Before the window opened (before accepting).
                add(between(rng, max(reg, TERMS_2016 - 20 * DAY), acc - DAY),
                    type="optout", channel="support")
        elif rng.random() < 0.3:
            # Never accepted the 2016 terms but asked anyway.
            add(between(rng, max(reg, TERMS_2016), AS_OF - 60 * DAY),
                type="optout", channel="support")
    else:
        # Registered after the offer: 2016 terms accepted at registration,
        # never offered the opt-out; a few ask anyway.
        if rng.random() < 0.04:
            add(between(rng, reg + DAY, AS_OF - 30 * DAY), type="optout",
                channel="settings" if rng.random() < 0.5 else "support")
    # 2021 update: most accept, a few after the deadline, ~2% after as-of.
    x = rng.random()
    if x < 0.83:
        add(between(rng, TERMS_2021, _epoch(2021, 5, 15)),
            type="terms_accepted", terms="2021-01-04")
    elif x < 0.88:
        add(between(rng, _epoch(2021, 5, 15), AS_OF - 60),
            type="terms_accepted", terms="2021-01-04")
    elif x < 0.90:
        add(between(rng, AS_OF + 60, _epoch(2021, 7, 31)),
            type="terms_accepted", terms="2021-01-04")
    ev.sort(key=lambda p: p[0])
    out = [e for _, e in ev]
    # Events may come in any order; a few records list them unsorted.
    if len(out) > 1 and rng.random() < 0.05:
        out.reverse()
    return out


# ------------------------------------------------------------------- record

def make_record(seed, i, profile, contacts_override):
    rng = random.Random((seed << 40) ^ i)
    x = rng.random() * REGION_TOTAL
    k = 0
    while REGION_CUM[k] <= x:
        k += 1
    region = REGIONS[k]
    code, off = region[0], region[4]
    # Registrations grow over the years: weight later years more.
    u = rng.random()
    reg = REG_START + int((REG_END - REG_START - DAY) * (u ** 0.8))
    reg = reg // 60 * 60 + int(rng.random() * 60)
    rec = {
        "format": "dyd.account/v1",
        "account_id": "acct-%08d" % i,
        "phone": phone(rng, region),
        "registered_at": fmt_ts(reg, off),
        "region": code,
        "language": weighted(rng, region[5]),
        "events": make_events(rng, reg, off),
    }
    name = FIRST_NAMES[int(rng.random() * len(FIRST_NAMES))]
    rec["profile"] = {
        "display_name": name,
        "about": ABOUTS[int(rng.random() * len(ABOUTS))],
        "photo": "profile/%s.jpg" % rec["account_id"],
    }
    rec["settings"] = {
        "last_seen": ACCESS[int(rng.random() * 20)],
        "profile_photo": ACCESS[int(rng.random() * 20)],
        "about": ACCESS[int(rng.random() * 20)],
        "groups": ACCESS[int(rng.random() * 20)],
        "status": ACCESS[int(rng.random() * 20)],
        "read_receipts": rng.random() < 0.8,
        "disappearing_messages": DISAPPEAR[int(rng.random() * len(DISAPPEAR))],
    }
    if profile == "small":
        ndev, ncont, nblock, ngroups, nchats, ntx = 1, 0, 0, 0, 0, 0
    elif profile == "typical":
        ndev = 2
        ncont = between(rng, 100, 201)      # mean 150
        nblock = int(rng.random() * 6)
        ngroups = 8
        nchats = 3
        ntx = int(rng.random() * 6)
    else:
        ndev = 3
        ncont = between(rng, 1800, 2201)    # mean 2000
        nblock = between(rng, 10, 40)
        ngroups = 40
        nchats = 20
        ntx = 30
    if contacts_override is not None:
        ncont = contacts_override
    devs = []
    for d in range(ndev):
        model, osname = DEVICES[int(rng.random() * len(DEVICES))]
        devs.append({
            "model": model,
            "os": osname,
            "app_version": APP_VERSIONS[int(rng.random() * len(APP_VERSIONS))],
            "carrier": region[7][int(rng.random() * len(region[7]))],
            "last_ip": ipv6(rng) if rng.random() < 0.2 else ipv4(rng),
            "last_seen": fmt_ts(between(rng, max(reg, AS_OF - 90 * DAY),
                                        AS_OF - 60), off),
        })
    rec["devices"] = devs
    if profile == "small":
        return rec
    rec["contacts"] = [any_phone(rng, region) for _ in range(ncont)]
    rec["blocked"] = [any_phone(rng, region) for _ in range(nblock)]
    groups = []
    for g in range(ngroups):
        groups.append({
            "id": "g-%08d-%02d" % (i, g),
            "name": GROUP_WORDS[int(rng.random() * len(GROUP_WORDS))],
            "role": ROLES[int(rng.random() * len(ROLES))],
            "joined_at": fmt_ts(between(rng, reg, AS_OF - DAY), off),
        })
    rec["groups"] = groups
    chats = []
    start = max(reg, _epoch(2018, 1, 18))   # WhatsApp Business launch
    for c in range(nchats):
        # typical: one of each hosting kind, in a varying order
        if profile == "typical":
            hosting = ("parent", "partner", "self")[(c + i) % 3]
        else:
            hosting = HOSTING[int(rng.random() * len(HOSTING))]
        first = between(rng, start, AS_OF - 10 * DAY)
        last = between(rng, first, AS_OF - 60)
        chats.append({
            "business_id": "b-%06d" % int(rng.random() * 1000000),
            "name": BUSINESS_WORDS[int(rng.random() * len(BUSINESS_WORDS))],
            "hosting": hosting,
            "first_contact_at": fmt_ts(first, off),
            "last_contact_at": fmt_ts(last, off),
            "message_count": int(rng.random() * 400),
        })
    rec["business_chats"] = chats
    txs = []
    cur = region[6]
    for t in range(ntx):
        if cur in ("IDR", "INR", "NGN"):
            amount = between(rng, 10, 5000) * 1000
        else:
            amount = round(between(rng, 100, 50000) / 100.0, 2)
        txs.append({
            "id": "t-%08d-%02d" % (i, t),
            "at": fmt_ts(between(rng, max(reg, _epoch(2020, 6, 1)),
                                 AS_OF - 60), off),
            "amount": amount,
            "currency": cur,
            "merchant": BUSINESS_WORDS[int(rng.random() * len(BUSINESS_WORDS))],
        })
    rec["transactions"] = txs
    return rec


# --------------------------------------------------------------------- main

def main(argv=None):
    p = argparse.ArgumentParser(
        description="Generate synthetic dyd.account/v1 records as JSON Lines.")
    p.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    p.add_argument("--count", type=int, default=1000,
                   help="number of records (default 1000)")
    p.add_argument("--start", type=int, default=0,
                   help="index of the first record (default 0)")
    p.add_argument("--profile", choices=("small", "typical", "heavy"),
                   default="typical")
    p.add_argument("--contacts", type=int, default=None,
                   help="number of contacts per record (overrides profile)")
    p.add_argument("-o", "--output", default="-",
                   help="output file (default: standard output)")
    p.add_argument("--gzip", action="store_true",
                   help="gzip the output (deterministic: no name, mtime 0)")
    a = p.parse_args(argv)
    if a.count < 0 or a.start < 0 or (a.contacts is not None and
                                      a.contacts < 0):
        p.error("counts must not be negative")
    if a.contacts is not None and a.contacts > 100000:
        p.error("--contacts: dyd accepts at most 100000 items in an array")
    if a.seed < 0 or a.seed >= 1 << 23:
        p.error("--seed must be from 0 to 8388607")

    raw = sys.stdout.buffer if a.output == "-" else open(a.output, "wb")
    out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                        compresslevel=6) if a.gzip else raw
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    buf = []
    for i in range(a.start, a.start + a.count):
        buf.append(dumps(make_record(a.seed, i, a.profile, a.contacts)))
        if len(buf) >= 256:
            buf.append("")
            out.write("\n".join(buf).encode("utf-8"))
            buf = []
    if buf:
        buf.append("")
        out.write("\n".join(buf).encode("utf-8"))
    if a.gzip:
        out.close()
    if raw is not sys.stdout.buffer:
        raw.close()
    else:
        raw.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
