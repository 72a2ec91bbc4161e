#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check dyd's published JSON Schemas (draft 2020-12) against its data.

Usage:
  check_schemas.py [--schemas DIR] [--policy FILE] [--testdata DIR] [--dyd PATH]

Checks, one output line each (PASS/FAIL; 'skip:' and 'note:' lines are not
counted), then a final line 'N passed, M failed':
  1. every DIR/*.schema.json (account, policy, decision, report and
     manifest are required) is a valid draft 2020-12 schema, every '$ref' in
     it resolves (references between the schemas go by their '$id's, all
     under https://schemas.dyd.invalid/, and are served from DIR, never
     fetched), its 'examples' validate, the three country enumerations agree,
     and built-in positive / negative cases behave (so a loosened or broken
     pattern is caught);
  2. the policy (default: lib/default_policy.yaml) validates against
     policy.schema.json;
  3. every TESTDATA/records/*.json|*.yaml|*.yml validates against
     account.schema.json; with --dyd, 'dyd validate FILE' exits 0;
  4. TESTDATA/invalid/schema-agreement.txt (lines 'FILENAME VERDICT', '#'
     comments; VERDICT is 'schema-invalid', 'schema-valid' or 'unparseable':
     not a JSON / YAML document the schema applies to, e.g. a syntax error,
     invalid UTF-8, a duplicate key or a non-standard YAML tag) agrees with
     the schema; with --dyd, 'dyd validate FILE' exits 3 for every record
     file in invalid/, and for every one in invalid/strict/ exits 0 but
     'dyd validate --strict FILE' exits 3;
  5. every TESTDATA/policies/*.yaml|*.yml|*.json without a sibling
     FILE.err (or FILE-without-extension.err) validates against policy.schema.json (those with one are only
     reported, as notes);
  6. every TESTDATA/decisions/*.json validates against decision.schema.json
     (a policy.sha256 of "POLICY_SHA256", the test data's placeholder, is
     replaced by the SHA-256 of the policy); with --dyd, 'dyd status --json
     --as-of 2030-01-01 RECORD' for every record, and 'dyd status --json
     --as-of AS_OF [--policy TESTDATA/policies/POLICY] TESTDATA/records/RECORD'
     for every line 'NAME RECORD AS_OF [POLICY]' of decisions/cases.txt and
     decisions/policy-cases.txt, print a decision valid against
     decision.schema.json;
  7. with --dyd, for every TESTDATA/records file: 'dyd export --as-of
     2021-06-01T00:00:00Z --force -o TMP/NAME.zip RECORD' (SOURCE_DATE_EPOCH
     unset) exits 0 and writes a ZIP that Python's zipfile reads without a
     CRC error, holding exactly manifest.json, report.html and report.json in
     that order; manifest.json validates against manifest.schema.json and
     report.json against report.schema.json (strict JSON, members in the
     documented order); the manifest's size and SHA-256 of each file match
     the entry's bytes; report.json's decision equals (member order
     included) the output of 'dyd status --json --as-of 2021-06-01T00:00:00Z
     RECORD'; report.json's account is the record normalised (only the
     dyd.account/v1 fields, in field-table order, timestamps in UTC) and the
     manifest's 'omitted' lists exactly the fields left out; account_id,
     as_of and policy agree between manifest, report and decision.

Exit status: 0 all passed, 1 some check failed, 2 usage error, 77 (skip)
when the jsonschema or yaml module cannot be imported (Debian:
apt-get install -y python3-jsonschema python3-yaml).

JSON and YAML are read the way dyd reads them: duplicate keys and YAML tags
other than the standard ones make a file unparseable (anchors/aliases, which
dyd also refuses, are resolved, as the data model has no notion of them).
In YAML (whose JSON data model the schemas describe) a plain (unquoted)
scalar is a string, and is also accepted where a number, boolean or null is
expected if its text is one in the YAML 1.2 core schema. So 'phone: +6281234567890', 'effective: 2016-08-25', 'region: NO'
and 'disappearing_messages: off' are strings, 'read_receipts: true' is a
boolean, 'message_count: 3' an integer, while a quoted "true" or "3" is only a
string. Schema patterns are matched with ECMA-262 semantics for '$' (end of
input, not before a final newline, unlike Python's re).
"""

import argparse
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timedelta

try:
    import jsonschema
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError, best_match
except ImportError as exc:
    print("skip: cannot import the python3 jsonschema module (%s); "
          "install it with: apt-get install -y python3-jsonschema" % exc)
    sys.exit(77)
try:
    import yaml
except ImportError as exc:
    print("skip: cannot import the python3 yaml module (%s); "
          "install it with: apt-get install -y python3-yaml" % exc)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
RECORD_EXTS = (".json", ".yaml", ".yml")
STATUS_AS_OF = "2030-01-01"
EXPORT_AS_OF = "2021-06-01T00:00:00Z"
REQUIRED_SCHEMAS = ("account", "policy", "decision", "report", "manifest", "results")
SUBPROCESS_TIMEOUT = 60


# ------------------------------------------------------------------ loading

class LoadError(Exception):
    """The file is not a JSON / YAML document this checker can read."""


class Plain(str):
    """A YAML plain (unquoted) scalar: a string that may also stand for a
    number, boolean or null (see resolve_plain)."""


_NOVALUE = object()
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_BOOLS = {"true": True, "True": True, "TRUE": True,
          "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}


def resolve_plain(text):
    """The non-string value a plain scalar stands for (YAML 1.2 core schema,
    decimal numbers only), or _NOVALUE."""
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    if _INT_RE.match(text):
        return int(text)
    if _FLOAT_RE.match(text):
        return float(text)
    return _NOVALUE


def _convert(node, depth, active):
    if depth > 1000:
        raise LoadError("nesting deeper than 1000 levels")
    if node.tag and not node.tag.startswith("tag:yaml.org,2002:"):
        raise LoadError("line %d: YAML tag %r is not allowed" % (node.start_mark.line + 1, node.tag))
    if isinstance(node, yaml.ScalarNode):
        return Plain(node.value) if node.style is None else str(node.value)
    if id(node) in active:
        raise LoadError("recursive alias")
    active = active | {id(node)}
    if isinstance(node, yaml.SequenceNode):
        return [_convert(n, depth + 1, active) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise LoadError("line %d: a mapping key is not a scalar" % (key.start_mark.line + 1))
            if key.value in out:
                raise LoadError("line %d: duplicate key %r" % (key.start_mark.line + 1, key.value))
            out[str(key.value)] = _convert(value, depth + 1, active)
        return out
    raise LoadError("unexpected YAML node %r" % (node,))


def load_yaml_text(text):
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise LoadError("YAML: %s" % str(exc).replace("\n", " ")) from None
    finally:
        loader.dispose()
    if node is None:
        raise LoadError("empty YAML document")
    return _convert(node, 0, frozenset())


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError("duplicate key %r" % key)
        out[key] = value
    return out


def load_json_text(text):
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except ValueError as exc:
        raise LoadError("JSON: %s" % exc) from None


def load_file(path):
    """Load a .json / .yaml / .yml file (by extension) into the JSON data model."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise LoadError(str(exc)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError("not valid UTF-8: %s" % exc) from None
    if path.endswith(".json"):
        return load_json_text(text)
    return load_yaml_text(text)


# ---------------------------------------------------------------- validator

def _ecma_pattern(pattern):
    """Translate an ECMA-262 pattern for Python's re: '$' outside a
    character class becomes '\\Z' (ECMA '$' never matches before a final
    newline)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


_PATTERNS = {}


def _short(value, limit=70):
    s = repr(value)
    return s if len(s) <= limit else s[:limit - 3] + "..."


def _kw_pattern(validator, patrn, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    rx = _PATTERNS.get(patrn)
    if rx is None:
        rx = _PATTERNS[patrn] = re.compile(_ecma_pattern(patrn))
    if not rx.search(instance):
        yield ValidationError("%s does not match the pattern %s" % (_short(instance), _short(patrn)))


def _numeric_plain(orig):
    def keyword(validator, value, instance, schema):
        if isinstance(instance, Plain):
            resolved = resolve_plain(instance)
            if isinstance(resolved, bool) or not isinstance(resolved, (int, float)):
                return
            instance = resolved
        yield from orig(validator, value, instance, schema)
    return keyword


def _either_plain(orig):
    def keyword(validator, value, instance, schema):
        errors = list(orig(validator, value, instance, schema))
        if errors and isinstance(instance, Plain):
            resolved = resolve_plain(instance)
            if resolved is not _NOVALUE and not list(orig(validator, value, resolved, schema)):
                return
        yield from errors
    return keyword


def _plain_type(name):
    base = Draft202012Validator.TYPE_CHECKER

    def check(checker, instance):
        if base.is_type(instance, name):
            return True
        if isinstance(instance, Plain):
            resolved = resolve_plain(instance)
            return resolved is not _NOVALUE and base.is_type(resolved, name)
        return False
    return check


def make_validator_class():
    base = Draft202012Validator
    kws = base.VALIDATORS
    checker = base.TYPE_CHECKER.redefine_many(
        {name: _plain_type(name) for name in ("boolean", "integer", "number", "null")})
    return jsonschema.validators.extend(
        base,
        validators={
            "pattern": _kw_pattern,
            "minimum": _numeric_plain(kws["minimum"]),
            "maximum": _numeric_plain(kws["maximum"]),
            "exclusiveMinimum": _numeric_plain(kws["exclusiveMinimum"]),
            "exclusiveMaximum": _numeric_plain(kws["exclusiveMaximum"]),
            "multipleOf": _numeric_plain(kws["multipleOf"]),
            "enum": _either_plain(kws["enum"]),
            "const": _either_plain(kws["const"]),
        },
        type_checker=checker,
    )


Validator = make_validator_class()


def make_validators(schemas):
    """One Validator per schema, with references between the schemas (by
    their '$id's) served from `schemas` itself: nothing is fetched."""
    by_id = {s["$id"]: s for s in schemas.values() if isinstance(s.get("$id"), str)}
    try:
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012
    except ImportError:  # jsonschema < 4.18
        def refuse(uri):
            raise LookupError("%s is not one of the schemas (not fetched)" % uri)
        handlers = {"http": refuse, "https": refuse, "file": refuse}
        RefResolver = jsonschema.RefResolver
        return {k: Validator(s, resolver=RefResolver.from_schema(s, store=dict(by_id), handlers=handlers))
                for k, s in schemas.items()}
    registry = Registry().with_resources(
        (uri, DRAFT202012.create_resource(s)) for uri, s in by_id.items())
    return {k: Validator(s, registry=registry) for k, s in schemas.items()}


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for key, value in node.items():
            if key not in ("examples", "const", "enum", "default"):
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def unresolved_refs(validator, schema):
    """The '$ref's of `schema` (which has no nested '$id') that do not
    resolve, each with the reason."""
    bad = []
    base = schema.get("$id", "")
    ref_resolver = getattr(validator, "_ref_resolver", None)  # jsonschema >= 4.18 given resolver=
    if ref_resolver is None and not hasattr(validator, "_resolver"):
        ref_resolver = validator.resolver  # jsonschema < 4.18
    for ref in sorted(set(_refs(schema))):
        try:
            if ref_resolver is not None:
                ref_resolver.resolve(ref)
            else:
                validator._resolver.lookup(ref)
        except Exception as exc:  # noqa: BLE001 - referencing / RefResolutionError
            bad.append("%s (from %s): %s" % (ref, base, _short(str(exc) or type(exc).__name__, 120)))
    return bad


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def schema_errors(validator, instance, limit=5):
    """Up to `limit` lines describing why `instance` is invalid ([] if valid)."""
    errors = list(validator.iter_errors(instance))
    if not errors:
        return []
    first = best_match(errors)
    lines = []
    for err in [first] + sorted((e for e in errors if e is not first), key=lambda e: list(map(str, e.path))):
        msg = err.message if len(err.message) <= 200 else err.message[:197] + "..."
        lines.append("%s: %s" % (pointer(err.absolute_path) or "(root)", msg))
        if len(lines) == limit:
            break
    if len(errors) > limit:
        lines.append("... and %d more error(s)" % (len(errors) - limit))
    return lines


# ------------------------------------------------------------------ report

class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, details=()):
        if ok:
            self.passed += 1
            print("PASS: " + name)
        else:
            self.failed += 1
            print("FAIL: " + name)
            for line in details:
                print("    " + line)
        sys.stdout.flush()
        return ok

    @staticmethod
    def note(msg):
        print(msg)
        sys.stdout.flush()


def rel(path, base):
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return path


def run_dyd(dyd, args, env=None):
    """Run dyd; return (exit status or None, stdout, stderr, error text)."""
    try:
        proc = subprocess.run([dyd] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=SUBPROCESS_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return None, b"", b"", "timed out after %d s" % SUBPROCESS_TIMEOUT
    except OSError as exc:
        return None, b"", b"", "cannot run: %s" % exc
    return proc.returncode, proc.stdout, proc.stderr, None


def tail(data, n=5):
    lines = data.decode("utf-8", "replace").rstrip("\n").splitlines()
    return ["| " + l for l in lines[-n:]]


# --------------------------------------------------------------- self-tests

_DELETE = object()


def mutate(base, *changes):
    """Copy `base` and apply (path, value) changes; path is a '/'-separated
    JSON pointer (array indices as numbers); value _DELETE removes."""
    doc = copy.deepcopy(base)
    for path, value in changes:
        parts = [int(p) if p.isdigit() else p for p in path.strip("/").split("/")]
        target = doc
        for p in parts[:-1]:
            target = target[p]
        if value is _DELETE:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value
    return doc


def account_cases():
    base = {"account_id": "alice", "phone": "+6281234567890", "registered_at": "2015-03-02T08:15:00+07:00"}
    ok, bad = [], []
    ok.append(("minimal record", base))
    for ts in ["2016-02-29T00:00:00Z", "2000-02-29T23:59:59-00:00", "2016-01-01t00:00:00.123456789z",
               "2200-12-31T23:59:59Z", "1970-01-01T00:00:00+14:00", "2016-09-01T10:00:00+07:00"]:
        ok.append(("timestamp %r" % ts, mutate(base, ("registered_at", ts))))
    for ts in ["2016-02-30T00:00:00Z", "2100-02-29T00:00:00Z", "2017-02-29T00:00:00Z", "2016-04-31T00:00:00Z",
               "2016-01-01T00:00:00", "2016-01-01 00:00:00Z", "2016-01-01T00:00:00.1234567890Z",
               "2016-01-01T00:00:00.Z", "2016-01-01T24:00:00Z", "2016-01-01T00:00:60Z", "2016-01-01T00:00:00+24:00",
               "2016-01-01T00:00:00+0700", "1969-12-31T23:59:59Z", "2201-01-01T00:00:00Z", "2016-01-01",
               "2016-01-01T00:00:00Z\n", "2016-1-01T00:00:00Z", "\u0662016-01-01T00:00:00Z"]:
        bad.append(("timestamp %r" % ts, mutate(base, ("registered_at", ts))))
    ok.append(("account_id of 128 chars", mutate(base, ("account_id", "a" * 128))))
    ok.append(("account_id '...'", mutate(base, ("account_id", "..."))))
    for aid in [".", "..", "", "a" * 129, "a b", "a/b", "alice\n", "ålice"]:
        bad.append(("account_id %s" % _short(aid, 20), mutate(base, ("account_id", aid))))
    for ph in ["+12", "+123456789012345"]:
        ok.append(("phone %r" % ph, mutate(base, ("phone", ph))))
    for ph in ["+1", "+0123456", "6281234567890", "+1234567890123456", "+62 812", 6281234567890]:
        bad.append(("phone %r" % (ph,), mutate(base, ("phone", ph))))
    bad.append(("missing phone", mutate(base, ("phone", _DELETE))))
    bad.append(("missing registered_at", mutate(base, ("registered_at", _DELETE))))
    bad.append(("missing account_id", mutate(base, ("account_id", _DELETE))))
    ok.append(("region 'DE'", dict(base, region="DE")))
    ok.append(("region 'NO'", dict(base, region="NO")))
    for r in ["XK", "de", "EU", "UK", "DEU"]:
        bad.append(("region %r" % r, dict(base, region=r)))
    for lang in ["en", "id", "pt-BR", "zh-Hant-TW", "fil"]:
        ok.append(("language %r" % lang, dict(base, language=lang)))
    for lang in ["EN", "e", "en_US", "english", "en-"]:
        bad.append(("language %r" % lang, dict(base, language=lang)))
    ok.append(("format dyd.account/v1", dict(base, format="dyd.account/v1")))
    bad.append(("format dyd.account/v2", dict(base, format="dyd.account/v2")))
    ok.append(("unknown top-level field", dict(base, nickname="Al", extra={"a": [1, None, True]})))
    bad.append(("unknown field with NUL", dict(base, nickname="a\u0000b")))
    bad.append(("member name with NUL", dict(base, **{"x\u0000": 1})))
    good_events = [
        {"type": "terms_accepted", "terms": "2016-08-25", "at": "2016-09-01T10:00:00+07:00"},
        {"type": "optout", "at": "2016-09-05T12:00:00Z", "channel": "checkbox"},
        {"type": "optin", "at": "2016-09-06T12:00:00Z", "channel": "support", "note": "unknown field"},
    ]
    ok.append(("events of each type", dict(base, events=good_events)))
    for name, ev in [("terms_accepted without terms", {"type": "terms_accepted", "at": "2016-09-01T00:00:00Z"}),
                     ("terms_accepted without at", {"type": "terms_accepted", "terms": "2016-08-25"}),
                     ("terms_accepted with empty terms",
                      {"type": "terms_accepted", "terms": "", "at": "2016-09-01T00:00:00Z"}),
                     ("optout without channel", {"type": "optout", "at": "2016-09-01T00:00:00Z"}),
                     ("optin with channel 'email'",
                      {"type": "optin", "at": "2016-09-01T00:00:00Z", "channel": "email"}),
                     ("event of unknown type", {"type": "share", "at": "2016-09-01T00:00:00Z"}),
                     ("event without type", {"at": "2016-09-01T00:00:00Z", "channel": "settings"}),
                     ("event that is a string", "optout")]:
        bad.append((name, dict(base, events=[ev])))
    bad.append(("events not an array", dict(base, events={"type": "optout"})))
    for ip in ["1.2.3.4", "255.255.255.255", "::", "::1", "2001:db8::1", "::ffff:192.0.2.1",
               "fe80:0:0:0:0:0:0:1", "1:2:3:4:5:6:7::"]:
        ok.append(("last_ip %r" % ip, dict(base, devices=[{"last_ip": ip}])))
    for ip in ["01.2.3.4", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "::g", "1::2::3", " 1.2.3.4"]:
        bad.append(("last_ip %r" % ip, dict(base, devices=[{"last_ip": ip}])))
    ok.append(("full device", dict(base, devices=[{"model": "Pixel", "os": "Android 11", "app_version": "2.21",
                                                     "carrier": "Telkomsel", "last_seen": "2021-01-01T00:00:00Z"}])))
    bad.append(("device last_seen 'yesterday'", dict(base, devices=[{"last_seen": "yesterday"}])))
    ok.append(("settings", dict(base, settings={"last_seen": "contacts_except", "profile_photo": "everyone",
                                                 "about": "nobody", "groups": "contacts", "status": "contacts",
                                                 "read_receipts": False, "disappearing_messages": "90d"})))
    bad.append(("settings.last_seen 'friends'", dict(base, settings={"last_seen": "friends"})))
    bad.append(("settings.read_receipts 'true' (JSON string)", dict(base, settings={"read_receipts": "true"})))
    bad.append(("settings.disappearing_messages '1d'", dict(base, settings={"disappearing_messages": "1d"})))
    ok.append(("contacts and blocked", dict(base, contacts=["+6281111111111"], blocked=["+12025550123"])))
    bad.append(("contact not E.164", dict(base, contacts=["081111111111"])))
    bad.append(("100001 contacts", dict(base, contacts=["+6281111111111"] * 100001)))
    ok.append(("100000 blocked", dict(base, blocked=["+6281111111111"] * 100000)))
    ok.append(("group", dict(base, groups=[{"id": "g1", "name": "Family", "role": "creator",
                                             "joined_at": "2017-01-01T00:00:00Z"}])))
    bad.append(("group without id", dict(base, groups=[{"name": "Family"}])))
    bad.append(("group role 'owner'", dict(base, groups=[{"id": "g1", "role": "owner"}])))
    chat = {"business_id": "b1", "name": "Toko", "hosting": "parent", "first_contact_at": "2021-02-01T00:00:00Z",
            "last_contact_at": "2021-02-02T00:00:00Z", "message_count": 0}
    ok.append(("business chat", dict(base, business_chats=[chat])))
    for name, c in [("without hosting", mutate(chat, ("hosting", _DELETE))),
                    ("without business_id", mutate(chat, ("business_id", _DELETE))),
                    ("hosting 'facebook'", mutate(chat, ("hosting", "facebook"))),
                    ("message_count -1", mutate(chat, ("message_count", -1))),
                    ("message_count 1.5", mutate(chat, ("message_count", 1.5))),
                    ("message_count '3'", mutate(chat, ("message_count", "3")))]:
        bad.append(("business chat " + name, dict(base, business_chats=[c])))
    tx = {"id": "t1", "at": "2021-02-02T00:00:00Z", "amount": 12.5, "currency": "IDR", "merchant": "Toko"}
    ok.append(("transaction", dict(base, transactions=[tx])))
    for name, t in [("without at", mutate(tx, ("at", _DELETE))), ("without id", mutate(tx, ("id", _DELETE))),
                    ("currency 'idr'", mutate(tx, ("currency", "idr"))),
                    ("currency 'RP'", mutate(tx, ("currency", "RP"))),
                    ("amount '12,5'", mutate(tx, ("amount", "12,5"))),
                    ("amount '1e3'", mutate(tx, ("amount", "1e3"))),
                    ("amount '012.5'", mutate(tx, ("amount", "012.5"))),
                    ("amount '12.'", mutate(tx, ("amount", "12."))),
                    ("amount true", mutate(tx, ("amount", True)))]:
        bad.append(("transaction " + name, dict(base, transactions=[t])))
    for text in ["12.50", "100.00", "-5", "0.5", "0"]:
        ok.append(("transaction amount %r (a decimal string)" % text,
                   dict(base, transactions=[mutate(tx, ("amount", text))])))
    ok.append(("string of 65536 chars", dict(base, profile={"about": "x" * 65536})))
    bad.append(("string of 65537 chars", dict(base, profile={"about": "x" * 65537})))
    bad.append(("string with NUL", dict(base, profile={"display_name": "a\u0000"})))
    bad.append(("profile not an object", dict(base, profile="Alice")))
    bad.append(("record not an object", [base]))
    # YAML, read the way dyd reads it
    yaml_ok = ("account_id: alice\nphone: +6281234567890\nregistered_at: 2016-01-01T00:00:00Z\n"
               "region: NO\nlanguage: en\nsettings: {read_receipts: true, disappearing_messages: off}\n"
               "events:\n  - {type: terms_accepted, terms: 2016-08-25, at: 2016-09-01T10:00:00+07:00}\n"
               "groups: [{id: 12345, name: 2021}]\n"
               "business_chats: [{business_id: 7, hosting: parent, message_count: 3}]\n"
               "transactions: [{id: 1, at: 2021-02-02T00:00:00Z, amount: 12.50, currency: IDR}]\n")
    ok.append(("YAML record with plain scalars", load_yaml_text(yaml_ok)))
    bad.append(("YAML read_receipts: \"true\" (quoted)",
                load_yaml_text(yaml_ok.replace("read_receipts: true", "read_receipts: 'true'"))))
    bad.append(("YAML message_count: \"3\" (quoted)",
                load_yaml_text(yaml_ok.replace("message_count: 3", "message_count: \"3\""))))
    bad.append(("YAML message_count: -3", load_yaml_text(yaml_ok.replace("message_count: 3", "message_count: -3"))))
    bad.append(("YAML read_receipts: yes (YAML 1.1 only)",
                load_yaml_text(yaml_ok.replace("read_receipts: true", "read_receipts: yes"))))
    return ok, bad


def policy_cases(policy):
    ok, bad = [], []
    if not isinstance(policy, dict) or not isinstance(policy.get("terms"), list) or len(policy["terms"]) < 2 \
            or not isinstance(policy.get("categories"), list):
        return ok, bad
    p = policy
    optout = p["terms"][0].get("optout")
    cats = p["categories"]
    ishared = next((i for i, c in enumerate(cats) if isinstance(c, dict) and "shares" in c), None)
    inever = next((i for i, c in enumerate(cats) if isinstance(c, dict) and "never" in c), None)
    ok.append(("policy without regions", mutate(p, ("regions", _DELETE))))
    ok.append(("policy with plain-string labels", mutate(p, ("purposes/0/label", "Infrastructure"))))
    ok.append(("condition all/any/not/region", mutate(p, ("categories/%d/shares/0/when" % ishared,
                                                          {"all": [{"any": [{"has": "devices"},
                                                                            {"region": "european"}]},
                                                                   {"not": {"has": {"field": "groups",
                                                                                    "where": {"role": "admin"}}}}]}))))
    if optout is not None:
        bad.append(("two terms versions with optout", mutate(p, ("terms/1/optout", optout))))
    bad.append(("unknown top-level member", dict(p, version=2)))
    bad.append(("unknown terms member", mutate(p, ("terms/0/remark", "x"))))
    bad.append(("format dyd.policy/v2", dict(p, format="dyd.policy/v2")))
    bad.append(("missing service", mutate(p, ("service", _DELETE))))
    bad.append(("no terms", mutate(p, ("terms", []))))
    bad.append(("effective '2016-8-25'", mutate(p, ("terms/0/effective", "2016-8-25"))))
    bad.append(("effective '2016-02-30'", mutate(p, ("terms/0/effective", "2016-02-30"))))
    bad.append(("effective as a timestamp", mutate(p, ("terms/0/effective", "2016-08-25T00:00:00Z"))))
    bad.append(("when_overdue without acceptance_deadline",
                mutate(p, ("terms/0/when_overdue", "limited_functionality"))))
    if optout is not None:
        bad.append(("optout window_days 0", mutate(p, ("terms/0/optout/window_days", 0))))
        bad.append(("optout window_days '30' (quoted)", mutate(p, ("terms/0/optout/window_days", "30"))))
        bad.append(("optout offered_to 'everyone'", mutate(p, ("terms/0/optout/offered_to", "everyone"))))
        bad.append(("optout covers []", mutate(p, ("terms/0/optout/covers", []))))
    bad.append(("label {}", mutate(p, ("purposes/0/label", {}))))
    bad.append(("label keyed 'EN'", mutate(p, ("purposes/0/label", {"EN": "Infrastructure"}))))
    bad.append(("label ''", mutate(p, ("purposes/0/label", ""))))
    bad.append(("purpose id 'Infra'", mutate(p, ("purposes/0/id", "Infra"))))
    bad.append(("taxonomy 'User.Contact'", mutate(p, ("purposes/0/taxonomy", "User.Contact"))))
    bad.append(("region country 'XX'", mutate(p, ("regions", {"european": {"countries": ["XX"], "excludes": []}}))))
    bad.append(("region name 'European'", mutate(p, ("regions", {"European": {"countries": ["DE"], "excludes": []}}))))
    bad.append(("region without excludes", mutate(p, ("regions", {"european": {"countries": ["DE"]}}))))
    if ishared is not None:
        c = "categories/%d" % ishared
        bad.append(("category with shares and never", mutate(p, (c + "/never", "no"))))
        bad.append(("category with neither shares nor never", mutate(p, (c + "/shares", _DELETE))))
        bad.append(("rule without since", mutate(p, (c + "/shares/0/since", _DELETE))))
        bad.append(("rule with repeated purpose", mutate(p, (c + "/shares/0/purposes", ["safety", "safety"]))))
        bad.append(("condition with two keys", mutate(p, (c + "/shares/0/when",
                                                          {"has": "devices", "region": "european"}))))
        bad.append(("condition {}", mutate(p, (c + "/shares/0/when", {}))))
        bad.append(("condition has unknown field", mutate(p, (c + "/shares/0/when", {"has": "friends"}))))
        bad.append(("condition has non-array field", mutate(p, (c + "/shares/0/when", {"has": "phone"}))))
        bad.append(("condition all []", mutate(p, (c + "/shares/0/when", {"all": []}))))
        bad.append(("unknown field in fields", mutate(p, (c + "/fields", ["phone", "password"]))))
    # What a claim rests on (SPEC 3.1).
    src = {"id": "wa-faq", "title": "A FAQ", "publisher": "WhatsApp", "date": "2021-01", "url": "https://faq.example/1"}
    cite = [{"ref": "wa-faq", "quote": "the few words"}]
    ok.append(("sources with partial dates and a language",
               dict(p, sources=[src, dict(src, id="b", date="2016", language="id", note={"en": "x", "id": "y"})])))
    ok.append(("source and note on terms, optout, region, purpose",
               mutate(p, ("sources", [src]), ("terms/0/source", cite), ("terms/0/note", "n"),
                      ("purposes/0/source", cite), ("purposes/0/note", {"en": "n"}))))
    ok.append(("dated when_overdue", mutate(p, ("terms/1/when_overdue", [
        {"from": "2021-05-15", "effect": "limited_functionality", "label": {"en": "l"}, "source": cite, "note": "n"},
        {"from": "2021-05-28", "effect": "reminders_only"}]))))
    bad.append(("source without url", dict(p, sources=[mutate(src, ("url", _DELETE))])))
    bad.append(("source url 'ftp://x'", dict(p, sources=[dict(src, url="ftp://x")])))
    bad.append(("source url with a space", dict(p, sources=[dict(src, url="https://a b")])))
    bad.append(("source date '2016-13'", dict(p, sources=[dict(src, date="2016-13")])))
    bad.append(("source date '16'", dict(p, sources=[dict(src, date="16")])))
    bad.append(("source id 'WA'", dict(p, sources=[dict(src, id="WA")])))
    bad.append(("source language 'en-GB'", dict(p, sources=[dict(src, language="en-GB")])))
    bad.append(("unknown source member", dict(p, sources=[dict(src, kind="press")])))
    bad.append(("citation without quote", mutate(p, ("terms/0/source", [{"ref": "wa-faq"}]))))
    bad.append(("citation quote ''", mutate(p, ("terms/0/source", [{"ref": "wa-faq", "quote": ""}]))))
    bad.append(("citation with an unknown member", mutate(p, ("terms/0/source", [dict(cite[0], page=3)]))))
    bad.append(("source not a list", mutate(p, ("terms/0/source", cite[0]))))
    bad.append(("when_overdue []", mutate(p, ("terms/1/when_overdue", []))))
    bad.append(("when_overdue entry without from",
                mutate(p, ("terms/1/when_overdue", [{"effect": "reminders_only"}]))))
    bad.append(("when_overdue entry from as a timestamp",
                mutate(p, ("terms/1/when_overdue", [{"from": "2021-05-28T00:00:00Z", "effect": "x"}]))))
    if optout is not None:
        ok.append(("optout final true, offered_to all_users",
                   mutate(p, ("terms/0/optout/final", True), ("terms/0/optout/offered_to", "all_users"))))
        bad.append(("optout final 'yes'", mutate(p, ("terms/0/optout/final", "yes"))))
    if ishared is not None:
        c = "categories/%d" % ishared
        ok.append(("rule with source and note", mutate(p, (c + "/shares/0/source", cite), (c + "/shares/0/note", "n"))))
        bad.append(("source on a shared category", mutate(p, (c + "/source", cite))))
    if inever is not None:
        c = "categories/%d" % inever
        ok.append(("never category with source and note", mutate(p, (c + "/source", cite), (c + "/note", "n"))))
    if inever is not None:
        c = "categories/%d" % inever
        bad.append(("never category with items",
                    mutate(p, (c + "/items", {"field": "business_chats", "where": {"hosting": "parent"}}))))
    return ok, bad


def _optout_common(oo):
    """The members every optout object has whatever its status."""
    return {k: oo[k] for k in ("terms", "covers", "offered_to", "final", "rule", "sources")}


def decision_cases(example):
    ok, bad = [], []
    d = example
    if not isinstance(d, dict) or not isinstance(d.get("optout"), dict):
        return ok, bad
    oo = d["optout"]
    ok.append(("optout null", dict(d, optout=None)))
    ok.append(("no region", dict(d, region={"country": None, "regions": []})))
    ok.append(("not_offered / registered_after_offer",
               dict(d, optout=dict(_optout_common(oo), status="not_offered",
                                   reason="registered_after_offer", window_open=False,
                                   ignored_requests=[dict(oo["ignored_requests"][0], why="not_offered")]))))
    ok.append(("not_opted_out / no_choice_in_window, window open",
               dict(d, optout=dict(_optout_common(oo), status="not_opted_out",
                                   reason="no_choice_in_window", window=oo["window"], window_open=True,
                                   ignored_requests=[]))))
    ok.append(("final false, optin_in_window", dict(d, optout=dict(
        _optout_common(oo), final=False, status="not_opted_out", reason="optin_in_window",
        window=oo["window"], window_open=False, choice=dict(oo["choice"], type="optin"), ignored_requests=[]))))
    ok.append(("offered_to all_users", mutate(d, ("optout/offered_to", "all_users"))))
    ok.append(("overdue without an effect in force",
               mutate(d, ("terms/1/effect", _DELETE), ("terms/1/effect_from", _DELETE),
                      ("terms/1/effect_rule", _DELETE))))
    ok.append(("overdue with a plain when_overdue", mutate(d, ("terms/1/effect_rule", "/terms/1/when_overdue"))))
    ok.append(("terms pending / not_yet_effective / at_registration", dict(d, terms=[
        {"id": "2016-08-25", "effective": "2016-08-25T00:00:00Z", "status": "accepted", "how": "at_registration",
         "accepted_at": "2017-01-01T00:00:00Z", "rule": "/terms/0", "sources": []},
        {"id": "2021-01-04", "effective": "2021-01-04T00:00:00Z", "status": "pending",
         "deadline": "2021-05-15T00:00:00Z", "rule": "/terms/1", "sources": ["a-b_1"]},
        {"id": "2030-01-01", "effective": "2030-01-01T00:00:00Z", "status": "not_yet_effective",
         "rule": "/terms/2", "sources": []}])))
    for path, value, name in [
            ("format", "dyd.decision/v2", "format v2"),
            ("as_of", "2021-06-01T00:00:00+00:00", "as_of with +00:00"),
            ("as_of", "2021-06-01T00:00:00.50Z", "as_of with a trailing fraction zero"),
            ("as_of", "2021-06-01T00:00:00.0Z", "as_of with a zero fraction"),
            ("as_of", "2021-06-01t00:00:00z", "as_of lower case"),
            ("account_id", "..", "account_id '..'"),
            ("policy/sha256", "A" * 64, "upper-case sha256"),
            ("policy/sha256", "0" * 63, "short sha256"),
            ("region/country", "XK", "country XK"),
            ("region", {"country": None, "regions": ["european"]}, "regions without a country"),
            ("optout/status", "opted_in", "optout status 'opted_in'"),
            ("optout/reason", "optin_in_window", "opted_out with reason optin_in_window"),
            ("optout/window_open", _DELETE, "optout without window_open"),
            ("optout/ignored_requests", _DELETE, "optout without ignored_requests"),
            ("optout/choice", _DELETE, "optout_in_window without choice"),
            ("optout/choice/type", "optin", "optout_in_window with an optin choice"),
            ("optout/choice/event", "/events/01", "event pointer /events/01"),
            ("optout/ignored_requests/0/why", "late", "ignored request why 'late'"),
            ("optout/final", False, "already_opted_out with final false"),
            ("optout/final", "yes", "final 'yes'"),
            ("optout/final", _DELETE, "optout without final"),
            ("optout/offered_to", "everyone", "offered_to 'everyone'"),
            ("optout/rule", "/terms/0", "optout rule not .../optout"),
            ("optout/sources", _DELETE, "optout without sources"),
            ("optout/sources", ["a", "a"], "repeated source id"),
            ("optout/sources", ["Wa-FAQ"], "source id 'Wa-FAQ'"),
            ("terms/0/sources", _DELETE, "terms entry without sources"),
            ("terms/0/rule", _DELETE, "terms entry without rule"),
            ("terms/0/effect", "reminders_only", "accepted terms with an effect"),
            ("terms/1/effect_from", _DELETE, "effect without effect_from"),
            ("terms/1/effect_rule", "/terms/1/when_overdue/x", "effect_rule '/terms/1/when_overdue/x'"),
            ("terms/1/when_overdue", "limited_functionality", "when_overdue (now effect)"),
            ("withheld_purposes/0/sources", _DELETE, "withheld purpose without sources"),
            ("categories/0/purposes/0/sources", _DELETE, "purpose entry without sources"),
            ("categories/2/sources", _DELETE, "never category without sources"),
            ("optout/ignored_requests/0/why", "not_offered", "not_offered request in a window case"),
            ("optout/extra", 1, "unknown optout member"),
            ("terms/0/event", _DELETE, "explicit acceptance without event"),
            ("terms/0/accepted_at", _DELETE, "accepted without accepted_at"),
            ("terms/0/how", "implicit", "how 'implicit'"),
            ("terms/1/deadline", _DELETE, "overdue without deadline"),
            ("terms/1/status", "pending", "pending with when_overdue"),
            ("terms/1/how", "explicit", "overdue with how"),
            ("terms/0/deadline", "2016-09-25T00:00:00Z", "accepted with a deadline"),
            ("terms/0/status", "pending", "pending with accepted_at"),
            ("terms", [], "no terms"),
            ("withheld_purposes/0/withheld_by", "region:", "withheld_by 'region:'"),
            ("withheld_purposes/0/withheld_by", "condition_false", "account-level withheld_by condition_false"),
            ("categories/0/purposes/0/since", _DELETE, "shared purpose without since"),
            ("categories/0/purposes/0/withheld_by", "opt_out", "shared purpose with withheld_by"),
            ("categories/0/purposes/1/withheld_by", _DELETE, "withheld purpose without withheld_by"),
            ("categories/0/purposes/1/withheld_by", "Region:european", "withheld_by 'Region:european'"),
            ("categories/0/purposes/1/since", "2016-09-01T03:00:00Z", "withheld purpose with since"),
            ("categories/0/purposes/0/status", "withheld", "shared true but every purpose withheld"),
            ("categories/0/purposes/0/rule", "/categories/0/never", "purpose rule pointing at never"),
            ("categories/0/purposes", [], "shared category without purposes"),
            ("categories/1/shared", True, "shared true with no shared purpose"),
            ("categories/1/items", ["/business_chats/0"], "items on an unshared category"),
            ("categories/2/purposes", [], "never category with purposes"),
            ("categories/2/shared", True, "never category shared"),
            ("categories/2/reason", _DELETE, "never category without reason"),
            ("categories/2/rule", "/categories/9/shares/0", "never category rule not .../never"),
            ("extra", True, "unknown top-level member")]:
        try:
            bad.append((name, mutate(d, (path, value))))
        except (KeyError, IndexError, TypeError):
            pass
    bad.append(("terms_not_accepted with a window",
                dict(d, optout=dict(_optout_common(oo), status="not_opted_out", reason="terms_not_accepted",
                                    window=oo["window"], window_open=False, ignored_requests=[]))))
    bad.append(("before_offer with window_open true",
                dict(d, optout=dict(_optout_common(oo), status="not_offered", reason="before_offer",
                                    window_open=True, ignored_requests=[]))))
    bad.append(("no_choice_in_window without window",
                dict(d, optout=dict(_optout_common(oo), status="not_opted_out", reason="no_choice_in_window",
                                    window_open=False, ignored_requests=[]))))
    bad.append(("already_opted_out when not opted out",
                dict(d, optout=dict(_optout_common(oo), status="not_opted_out", reason="no_choice_in_window",
                                    window=oo["window"], window_open=False,
                                    ignored_requests=[dict(oo["ignored_requests"][0], why="already_opted_out")]))))
    bad.append(("at_registration with event", mutate(d, ("terms/0/how", "at_registration"))))
    return ok, bad


def report_cases(example):
    ok, bad = [], []
    r = example
    if not isinstance(r, dict) or not isinstance(r.get("account"), dict) or not isinstance(r.get("decision"), dict):
        return ok, bad
    acc = r["account"]
    minimal = {"account_id": acc.get("account_id", "alice"), "phone": "+6281234567890",
               "registered_at": "2015-03-02T01:15:00Z"}
    ok.append(("minimal account", dict(r, account=minimal)))
    ok.append(("registered_at with 9 fraction digits",
               dict(r, account=dict(minimal, registered_at="2015-03-02T01:15:00.123456789Z"))))
    ok.append(("language 'id'", dict(r, language="id")))
    for tz in ["UTC", "Asia/Jakarta", "America/Argentina/Buenos_Aires", "Etc/GMT+7", "America/Port-au-Prince",
               "+07:00", "-03:30", "+00:00", "-23:59"]:
        ok.append(("time_zone %r" % tz, dict(r, time_zone=tz)))
    ok.append(("generator version 0.2.0-rc.1+g1a2b", mutate(r, ("generator/version", "0.2.0-rc.1+g1a2b"))))
    ok.append(("optout null in the decision", mutate(r, ("decision/optout", None))))
    event_terms = {"type": "terms_accepted", "at": "2016-09-01T03:00:00Z", "terms": "2016-08-25"}
    event_choice = {"type": "optin", "at": "2016-09-02T03:00:00Z", "channel": "checkbox"}
    cases = [
        ("format", "dyd.report/v2", "format v2"),
        ("format", _DELETE, "no format"),
        ("generator/name", "other", "generator name 'other'"),
        ("generator/version", "1.0", "generator version '1.0'"),
        ("generator/version", "", "generator version ''"),
        ("generator/build", "x", "unknown generator member"),
        ("generator", _DELETE, "no generator"),
        ("as_of", "2021-06-01T00:00:00+00:00", "as_of with +00:00"),
        ("as_of", "2021-06-01", "as_of as a date"),
        ("language", "de", "language 'de'"),
        ("language", "en-GB", "language 'en-GB'"),
        ("language", _DELETE, "no language"),
        ("time_zone", "", "time_zone ''"),
        ("time_zone", "/etc/localtime", "time_zone '/etc/localtime'"),
        ("time_zone", "Asia/../../etc/passwd", "time_zone with '..'"),
        ("time_zone", "Asia/Jakarta/", "time_zone with a final '/'"),
        ("time_zone", "America/New York", "time_zone with a space"),
        ("time_zone", "+24:00", "time_zone '+24:00'"),
        ("time_zone", "+7:00", "time_zone '+7:00'"),
        ("time_zone", "+07:60", "time_zone '+07:60'"),
        ("time_zone", "+0700", "time_zone '+0700' (dyd writes '+07:00')"),
        ("time_zone", _DELETE, "no time_zone"),
        ("policy/sha256", "A" * 64, "upper-case policy sha256"),
        ("policy/sha256", "0" * 63, "short policy sha256"),
        ("policy/service", _DELETE, "policy without service"),
        ("policy/parent_company", "", "empty parent_company"),
        ("policy/id", "a b", "policy id 'a b'"),
        ("policy/version", 1, "unknown policy member"),
        ("account/phone", "6281234567890", "account phone not E.164 (account.schema.json applies)"),
        ("account/phone", _DELETE, "account without phone"),
        ("account/region", "XK", "account region 'XK'"),
        ("account/nickname", "Al", "unknown account member"),
        ("account/registered_at", "2015-03-02T08:15:00+07:00", "registered_at with an offset"),
        ("account/registered_at", "2015-03-02t01:15:00z", "registered_at in lower case"),
        ("account/registered_at", "2015-03-02T01:15:00.50Z", "registered_at with a trailing fraction zero"),
        ("account/events/0/channel", "checkbox", "terms_accepted event with a channel"),
        ("account/events/1/terms", "2016-08-25", "optout event with terms"),
        ("account/events/1/channel", _DELETE, "optout event without channel"),
        ("account/events/1/at", "2016-09-05T19:00:00+07:00", "event at with an offset"),
        ("account/events/0/note", "x", "unknown event member"),
        ("account/profile/nickname", "Al", "unknown profile member"),
        ("account/devices/0/imei", "1", "unknown device member"),
        ("account/devices/0/last_seen", "2021-01-10T10:00:00.25+01:00", "device last_seen with an offset"),
        ("account/settings/theme", "dark", "unknown settings member"),
        ("account/groups/0/joined_at", "2017-01-01T07:00:00+07:00", "group joined_at with an offset"),
        ("account/groups/0/muted", True, "unknown group member"),
        ("account/business_chats/0/first_contact_at", "2021-02-01t00:00:00Z", "first_contact_at lower case"),
        ("account/business_chats/0/verified", True, "unknown business chat member"),
        ("account/transactions/0/at", "2021-02-02T00:00:00.000Z", "transaction at with a zero fraction"),
        ("account/transactions/0/note", "x", "unknown transaction member"),
        ("account", _DELETE, "no account"),
        ("decision/format", "dyd.decision/v2", "decision format v2 (decision.schema.json applies)"),
        ("decision/extra", 1, "unknown decision member"),
        ("decision/optout/status", "opted_in", "decision optout status 'opted_in'"),
        ("decision", _DELETE, "no decision"),
        ("extra", True, "unknown top-level member"),
    ]
    for path, value, name in cases:
        try:
            bad.append((name, mutate(r, (path, value))))
        except (KeyError, IndexError, TypeError):
            pass
    bad.append(("event with terms and channel",
                dict(r, account=dict(minimal, events=[dict(event_terms, channel="checkbox")]))))
    bad.append(("optin event with terms", dict(r, account=dict(minimal, events=[dict(event_choice, terms="x")]))))
    ok.append(("both event shapes", dict(r, account=dict(minimal, events=[event_terms, event_choice]))))
    bad.append(("account that is a list", dict(r, account=[minimal])))
    return ok, bad


def manifest_cases(example):
    ok, bad = [], []
    m = example
    if not isinstance(m, dict) or not isinstance(m.get("files"), list) or len(m["files"]) != 2:
        return ok, bad
    item = {"pointer": "/profile/nickname", "reason": "unknown field: dyd.account/v1 does not define it"}
    ok.append(("encrypted true", dict(m, encrypted=True)))
    ok.append(("nothing omitted", dict(m, omitted=[])))
    ok.append(("something truncated", dict(m, truncated=[dict(item, reason="cut short")])))
    for ptr in ["/", "/a~1b/0", "/~0", "/devices/0/imei", "/x y/\u00e9"]:
        ok.append(("omitted pointer %r" % ptr, dict(m, omitted=[dict(item, pointer=ptr)])))
    ok.append(("size 0", mutate(m, ("files/0/size", 0))))
    ok.append(("size 2**40", mutate(m, ("files/1/size", 2 ** 40))))
    html, js = m["files"]
    cases = [
        ("format", "dyd.manifest/v2", "format v2"),
        ("generator/name", "dyd2", "generator name 'dyd2'"),
        ("generator/version", _DELETE, "generator without version"),
        ("account_id", "..", "account_id '..'"),
        ("account_id", _DELETE, "no account_id"),
        ("as_of", "2021-06-01T07:00:00+07:00", "as_of with an offset"),
        ("policy/sha256", "A" * 64, "upper-case policy sha256"),
        ("policy/service", "WhatsApp", "unknown policy member"),
        ("policy", _DELETE, "no policy"),
        ("encrypted", "false", "encrypted 'false' (a string)"),
        ("encrypted", _DELETE, "no encrypted"),
        ("files", [js, html], "files in the wrong order"),
        ("files", [html], "only report.html"),
        ("files", [html, js, js], "three files"),
        ("files", [], "no files"),
        ("files/0/name", "report.pdf", "file name 'report.pdf'"),
        ("files/1/name", "manifest.json", "file name 'manifest.json'"),
        ("files/0/size", -1, "size -1"),
        ("files/0/size", 1.5, "size 1.5"),
        ("files/0/size", "10", "size '10' (a string)"),
        ("files/0/size", _DELETE, "file without size"),
        ("files/0/sha256", "A" * 64, "upper-case file sha256"),
        ("files/0/sha256", "0" * 65, "long file sha256"),
        ("files/1/sha256", _DELETE, "file without sha256"),
        ("files/1/mtime", 0, "unknown file member"),
        ("omitted", [dict(item, pointer="profile/nickname")], "pointer without a leading '/'"),
        ("omitted", [dict(item, pointer="")], "pointer '' (the whole record)"),
        ("omitted", [dict(item, pointer="/a~2b")], "pointer with '~2'"),
        ("omitted", [dict(item, pointer="/a~")], "pointer ending in '~'"),
        ("omitted", [dict(item, reason="")], "empty reason"),
        ("omitted", [{"pointer": "/x"}], "omitted item without reason"),
        ("omitted", [dict(item, size=1)], "unknown omitted-item member"),
        ("omitted", {}, "omitted an object"),
        ("omitted", _DELETE, "no omitted"),
        ("truncated", [{"reason": "x"}], "truncated item without pointer"),
        ("truncated", None, "truncated null"),
        ("truncated", _DELETE, "no truncated"),
        ("extra", True, "unknown top-level member"),
    ]
    for path, value, name in cases:
        try:
            bad.append((name, mutate(m, (path, value))))
        except (KeyError, IndexError, TypeError):
            pass
    return ok, bad


def results_cases(ok_line, error_line):
    ok, bad = [], []
    if not isinstance(ok_line, dict) or not isinstance(error_line, dict):
        return ok, bad
    ok.append(("an ok line signed", dict(ok_line, key_sha256="ab" * 32)))
    ok.append(("no opt-out in the policy", dict(ok_line, optout=None)))
    ok.append(("nothing withheld or shared", dict(ok_line, withheld={}, shared=[])))
    ok.append(("region withholding", mutate(ok_line, ("withheld", {"ads_and_products": "region:european"}))))
    ok.append(("an error line without an id", dict(error_line, account_id=None)))
    cases = [
        (ok_line, "status", "skipped", "status 'skipped'"),
        (ok_line, "optout", _DELETE, "an ok line without optout"),
        (ok_line, "withheld", _DELETE, "an ok line without withheld"),
        (ok_line, "shared", _DELETE, "an ok line without shared"),
        (ok_line, "terms", _DELETE, "an ok line without terms"),
        (ok_line, "terms", {}, "no terms at all"),
        (ok_line, "optout", {"status": "opted_out"}, "an opt-out without its reason"),
        (ok_line, "optout", {"status": "maybe", "reason": "optout_in_window"}, "opt-out status 'maybe'"),
        (ok_line, "optout", {"status": "opted_out", "reason": "asked"}, "opt-out reason 'asked'"),
        (ok_line, "withheld", {"ads_and_products": "because"}, "withheld by 'because'"),
        (ok_line, "withheld", ["ads_and_products"], "withheld as a list"),
        (ok_line, "shared", ["Phone Number"], "shared id 'Phone Number'"),
        (ok_line, "shared", ["phone_number", "phone_number"], "a category shared twice"),
        (ok_line, "terms", {"2016-08-25": "agreed"}, "terms status 'agreed'"),
        (ok_line, "sha256", "A" * 64, "upper-case sha256"),
        (ok_line, "key_sha256", "0" * 63, "short key_sha256"),
        (ok_line, "bytes", -1, "bytes -1"),
        (ok_line, "bundle", "a/b.zip", "a bundle path"),
        (ok_line, "error", "x", "an ok line with an error"),
        (ok_line, "account_id", None, "an ok line without an id"),
        (error_line, "error", _DELETE, "an error line without its error"),
        (error_line, "error", "", "an empty error"),
        (error_line, "sha256", "0" * 64, "an error line with a sha256"),
        (error_line, "optout", None, "an error line with an answer"),
        (error_line, "source", _DELETE, "a line without its source"),
    ]
    for base, path, value, name in cases:
        bad.append((name, mutate(base, (path, value))))
    return ok, bad


def run_cases(report, label, validator, cases):
    ok, bad = cases
    for name, inst in ok:
        report.check(not list(validator.iter_errors(inst)), "%s: accepts %s" % (label, name),
                     schema_errors(validator, inst))
    for name, inst in bad:
        report.check(not validator.is_valid(inst), "%s: rejects %s" % (label, name),
                     ["the schema accepts it"])


# ------------------------------------------------------------------ checks

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--schemas", default=os.path.join(REPO, "schemas"), metavar="DIR",
                    help="directory holding *.schema.json (default: %(default)s)")
    ap.add_argument("--policy", default=os.path.join(REPO, "lib", "default_policy.yaml"), metavar="FILE",
                    help="policy to validate (default: %(default)s)")
    ap.add_argument("--testdata", metavar="DIR",
                    help="directory with records/, invalid/ and decisions/ (default: none)")
    ap.add_argument("--dyd", metavar="PATH", help="dyd binary to cross-check with")
    ap.add_argument("--no-self-test", action="store_true",
                    help="skip the built-in positive/negative schema cases")
    args = ap.parse_args()

    if not os.path.isdir(args.schemas):
        ap.error("--schemas %s: not a directory" % args.schemas)
    if args.testdata is not None and not os.path.isdir(args.testdata):
        ap.error("--testdata %s: not a directory" % args.testdata)
    if args.dyd is not None:
        if os.sep not in args.dyd:
            args.dyd = os.path.join(".", args.dyd)
        if not (os.path.isfile(args.dyd) and os.access(args.dyd, os.X_OK)):
            ap.error("--dyd %s: not an executable file" % args.dyd)
        args.dyd = os.path.abspath(args.dyd)

    report = Report()
    print("jsonschema %s, PyYAML %s" % (_module_version("jsonschema"), yaml.__version__))

    # 1. the schemas themselves
    schemas, validators = {}, {}
    names = sorted(n for n in os.listdir(args.schemas) if n.endswith(".schema.json"))
    for req in ("%s.schema.json" % k for k in REQUIRED_SCHEMAS):
        if req not in names:
            report.check(False, "schema %s exists" % req, ["missing in %s" % args.schemas])
    for name in names:
        path = os.path.join(args.schemas, name)
        try:
            with open(path, encoding="utf-8") as f:
                schema = json.load(f, parse_constant=_reject_constant)
            Draft202012Validator.check_schema(schema)
            if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                raise ValueError("$schema is not draft 2020-12")
        except (OSError, ValueError, jsonschema.exceptions.SchemaError) as exc:
            msg = exc.message if isinstance(exc, jsonschema.exceptions.SchemaError) else str(exc)
            report.check(False, "schema %s is a valid draft 2020-12 schema" % name, [msg[:300]])
            continue
        report.check(True, "schema %s is a valid draft 2020-12 schema" % name)
        schemas[name[:-len(".schema.json")]] = schema
    for key, validator in make_validators(schemas).items():
        bad = unresolved_refs(validator, schemas[key])
        if report.check(not bad, "schema %s.schema.json: every $ref resolves" % key, bad[:5]):
            validators[key] = validator
    schemas = {k: v for k, v in schemas.items() if k in validators}
    for key, schema in schemas.items():
        for i, ex in enumerate(schema.get("examples", [])):
            report.check(validators[key].is_valid(ex), "schema %s: example %d validates" % (key, i),
                         schema_errors(validators[key], ex))
    if all(k in schemas for k in ("account", "policy", "decision")):
        lists = [schemas[k].get("$defs", {}).get("country", {}).get("enum") for k in ("account", "policy", "decision")]
        report.check(lists[0] is not None and lists[0] == lists[1] == lists[2] and len(lists[0]) == len(set(lists[0])),
                     "schemas: the country enumerations of account, policy and decision agree",
                     ["they differ or one is missing"])

    # 2. the policy
    policy = None
    if "policy" in schemas:
        try:
            policy = load_file(args.policy)
        except LoadError as exc:
            report.check(False, "policy %s loads" % args.policy, [str(exc)])
        else:
            errs = schema_errors(validators["policy"], policy, limit=10)
            report.check(not errs, "policy %s validates against policy.schema.json" % args.policy, errs)

    if not args.no_self_test:
        if "account" in validators:
            run_cases(report, "account schema", validators["account"], account_cases())
        if "policy" in validators and policy is not None:
            run_cases(report, "policy schema", validators["policy"], policy_cases(_json_model(policy)))
        if "decision" in validators and schemas["decision"].get("examples"):
            run_cases(report, "decision schema", validators["decision"],
                      decision_cases(schemas["decision"]["examples"][0]))
        if "report" in validators and schemas["report"].get("examples"):
            run_cases(report, "report schema", validators["report"],
                      report_cases(schemas["report"]["examples"][0]))
        if "manifest" in validators and schemas["manifest"].get("examples"):
            run_cases(report, "manifest schema", validators["manifest"],
                      manifest_cases(schemas["manifest"]["examples"][0]))
        if "results" in validators and len(schemas["results"].get("examples", [])) == 2:
            run_cases(report, "results schema", validators["results"],
                      results_cases(*schemas["results"]["examples"]))

    if args.testdata is not None:
        check_testdata(report, args, validators)
    elif args.dyd:
        report.note("note: --dyd given without --testdata: nothing to run it on")

    print("%d passed, %d failed" % (report.passed, report.failed))
    return 1 if report.failed else 0


def _module_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:  # noqa: BLE001 - informational only
        return "?"


def _json_model(value):
    """Turn Plain scalars into their typed values where the policy schema
    expects numbers or booleans (the mutations in the self-tests then
    compare as JSON)."""
    if isinstance(value, dict):
        return {k: _json_model(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_model(v) for v in value]
    if isinstance(value, Plain):
        resolved = resolve_plain(value)
        if isinstance(resolved, int):
            return resolved
        return str(value)
    return value


def record_files(directory):
    return sorted(os.path.join(directory, n) for n in os.listdir(directory)
                  if n.endswith(RECORD_EXTS) and not n.startswith(".")
                  and os.path.isfile(os.path.join(directory, n)))


def check_testdata(report, args, validators):
    td = args.testdata
    account = validators.get("account")
    decision = validators.get("decision")

    # 3. valid records
    records = []
    rdir = os.path.join(td, "records")
    if os.path.isdir(rdir):
        records = record_files(rdir)
        if not records:
            report.note("note: no record files in %s" % rdir)
    else:
        report.note("note: no %s directory" % rdir)
    for path in records:
        name = rel(path, td)
        if account is not None:
            try:
                inst = load_file(path)
            except LoadError as exc:
                report.check(False, "%s validates against account.schema.json" % name, [str(exc)])
            else:
                report.check(account.is_valid(inst), "%s validates against account.schema.json" % name,
                             schema_errors(account, inst))
        if args.dyd:
            rc, out, err, why = run_dyd(args.dyd, ["validate", path])
            report.check(rc == 0, "dyd validate %s exits 0" % name,
                         [why] if why else ["exit status %s" % rc] + tail(err))

    # 4. invalid records
    idir = os.path.join(td, "invalid")
    verdicts = ("schema-invalid", "schema-valid", "unparseable")
    if os.path.isdir(idir):
        agreement = os.path.join(idir, "schema-agreement.txt")
        listed = {}
        if os.path.isfile(agreement):
            with open(agreement, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    parts = line.split("#", 1)[0].split()
                    if not parts:
                        continue
                    where = "invalid/schema-agreement.txt:%d" % lineno
                    if len(parts) == 2 and parts[1] == "unparsable":
                        parts[1] = "unparseable"
                    if len(parts) != 2 or parts[1] not in verdicts:
                        report.check(False, "%s is 'FILENAME %s'" % (where, "|".join(verdicts)),
                                     [line.rstrip("\n")])
                        continue
                    if parts[0] in listed:
                        report.check(False, "%s lists %s once" % (where, parts[0]), ["listed again"])
                    listed[parts[0]] = parts[1]
            for fname, expect in listed.items():
                path = os.path.join(idir, fname)
                label = "invalid/%s is %s" % (fname, expect)
                if not os.path.isfile(path):
                    report.check(False, label, ["no such file"])
                    continue
                if account is None:
                    continue
                try:
                    inst = load_file(path)
                except LoadError as exc:
                    report.check(expect == "unparseable", label + (" (%s)" % _short(str(exc), 100)
                                                                    if expect == "unparseable" else ""),
                                 ["it cannot be parsed: %s" % exc])
                    continue
                errs = schema_errors(account, inst, limit=3)
                if expect == "schema-invalid":
                    report.check(bool(errs), label, ["the schema accepts it"])
                elif expect == "schema-valid":
                    report.check(not errs, label, errs)
                else:
                    report.check(False, label, ["it parses (and is %s)" % (
                        "schema-invalid: " + errs[0] if errs else "schema-valid")])
        else:
            report.note("note: no %s" % agreement)
        sdir = os.path.join(idir, "strict")
        invalid_records = record_files(idir)
        strict_records = record_files(sdir) if os.path.isdir(sdir) else []
        for path in invalid_records + strict_records:
            fname = rel(path, idir)
            if listed and fname not in listed:
                report.note("note: invalid/%s is not listed in schema-agreement.txt" % fname)
        if args.dyd:
            for path in invalid_records:
                name = rel(path, td)
                rc, out, err, why = run_dyd(args.dyd, ["validate", path])
                report.check(rc == 3, "dyd validate %s exits 3" % name,
                             [why] if why else ["exit status %s" % rc] + tail(err))
            for path in strict_records:
                name = rel(path, td)
                for opts, want in (([], 0), (["--strict"], 3)):
                    rc, out, err, why = run_dyd(args.dyd, ["validate"] + opts + [path])
                    report.check(rc == want, "dyd validate %s exits %d" % (" ".join(opts + [name]), want),
                                 [why] if why else ["exit status %s" % rc] + tail(err))
    else:
        report.note("note: no %s directory" % idir)

    # 5. test policies
    pdir = os.path.join(td, "policies")
    policy_v = validators.get("policy")
    if policy_v is not None and os.path.isdir(pdir):
        for path in record_files(pdir):
            name = rel(path, td)
            stem = os.path.splitext(path)[0]
            try:
                inst = load_file(path)
                errs = schema_errors(policy_v, inst, limit=3)
            except LoadError as exc:
                inst, errs = None, ["cannot be parsed: %s" % exc]
            if os.path.exists(path + ".err") or os.path.exists(stem + ".err"):
                report.note("note: %s (expected to be rejected by dyd): %s" % (
                    name, "schema rejects it too: " + (errs[0] if len(errs[0]) <= 160 else errs[0][:157] + "...") if errs else "valid against the schema "
                    "(dyd's extra checks reject it)"))
            else:
                report.check(not errs, "%s validates against policy.schema.json" % name, errs)

    # 6. decisions
    ddir = os.path.join(td, "decisions")
    try:
        with open(args.policy, "rb") as f:
            policy_sha = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        policy_sha = "0" * 64
    if decision is not None:
        if os.path.isdir(ddir):
            files = sorted(n for n in os.listdir(ddir) if n.endswith(".json"))
            if not files:
                report.note("note: no *.json in %s" % ddir)
            for n in files:
                path = os.path.join(ddir, n)
                try:
                    inst = load_file(path)
                except LoadError as exc:
                    report.check(False, "decisions/%s validates against decision.schema.json" % n, [str(exc)])
                    continue
                label = "decisions/%s validates against decision.schema.json" % n
                if isinstance(inst, dict) and isinstance(inst.get("policy"), dict) \
                        and inst["policy"].get("sha256") == "POLICY_SHA256":
                    inst["policy"]["sha256"] = policy_sha
                    label += " (POLICY_SHA256 placeholder filled in)"
                report.check(decision.is_valid(inst), label, schema_errors(decision, inst))
        else:
            report.note("note: no %s directory" % ddir)
        if args.dyd:
            for path in records:
                check_status(report, args.dyd, decision, rel(path, td), path, STATUS_AS_OF, None)
            for cases in ("cases.txt", "policy-cases.txt"):
                cpath = os.path.join(ddir, cases)
                if not os.path.isfile(cpath):
                    continue
                with open(cpath, encoding="utf-8") as f:
                    for lineno, line in enumerate(f, 1):
                        parts = line.split("#", 1)[0].split()
                        if not parts:
                            continue
                        if len(parts) not in (3, 4):
                            report.check(False, "decisions/%s:%d is 'NAME RECORD AS_OF [POLICY]'" % (cases, lineno),
                                         [line.rstrip("\n")])
                            continue
                        pol = os.path.join(td, "policies", parts[3]) if len(parts) == 4 else None
                        check_status(report, args.dyd, decision, "case %s" % parts[0],
                                     os.path.join(td, "records", parts[1]), parts[2], pol)

    # 7. bundles
    if args.dyd:
        check_bundles(report, args, validators, records)
    # 8. the results lines of a batch of the same records
    if args.dyd and "results" in validators:
        check_results(report, args, validators, records)


# ------------------------------------------------------------------ bundles

# The record field table of dyd.account/v1 (lib/record.c), in its order:
# report.json's account has exactly these members, in this order.
_TEXT, _TIME, _BOOL, _NUMBER, _TEXTS = "text", "time", "bool", "number", "texts"
_PROFILE = [("display_name", _TEXT), ("about", _TEXT), ("photo", _TEXT)]
_DEVICE = [("model", _TEXT), ("os", _TEXT), ("app_version", _TEXT), ("carrier", _TEXT), ("last_ip", _TEXT),
           ("last_seen", _TIME)]
_SETTINGS = [("last_seen", _TEXT), ("profile_photo", _TEXT), ("about", _TEXT), ("groups", _TEXT),
             ("status", _TEXT), ("read_receipts", _BOOL), ("disappearing_messages", _TEXT)]
_GROUP = [("id", _TEXT), ("name", _TEXT), ("role", _TEXT), ("joined_at", _TIME)]
_BUSINESS_CHAT = [("business_id", _TEXT), ("name", _TEXT), ("hosting", _TEXT), ("first_contact_at", _TIME),
                  ("last_contact_at", _TIME), ("message_count", _NUMBER)]
_TRANSACTION = [("id", _TEXT), ("at", _TIME), ("amount", _NUMBER), ("currency", _TEXT), ("merchant", _TEXT)]
# An event has the members of its type only (a 'channel' on terms_accepted or
# 'terms' on an opt-out / opt-in is ignored by dyd, with a warning).
_EVENT = {"terms_accepted": [("type", _TEXT), ("at", _TIME), ("terms", _TEXT)],
          "optout": [("type", _TEXT), ("at", _TIME), ("channel", _TEXT)],
          "optin": [("type", _TEXT), ("at", _TIME), ("channel", _TEXT)]}
_RECORD = [("format", _TEXT), ("account_id", _TEXT), ("phone", _TEXT), ("registered_at", _TIME),
           ("region", _TEXT), ("language", _TEXT), ("events", ("events",)), ("profile", ("object", _PROFILE)),
           ("devices", ("list", _DEVICE)), ("settings", ("object", _SETTINGS)), ("contacts", _TEXTS),
           ("blocked", _TEXTS), ("groups", ("list", _GROUP)), ("business_chats", ("list", _BUSINESS_CHAT)),
           ("transactions", ("list", _TRANSACTION))]
_TS_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
                    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))\Z")


def utc_timestamp(text):
    """An RFC 3339 timestamp in dyd's UTC form (fraction only if non-zero)."""
    m = _TS_RE.match(text)
    if not m:
        raise ValueError("%r is not an RFC 3339 timestamp" % (text,))
    t = datetime(*(int(g) for g in m.groups()[:6]))
    if m.group(8):
        offset = timedelta(hours=int(m.group(9)), minutes=int(m.group(10)))
        t = t - offset if m.group(8) == "+" else t + offset
    frac = (m.group(7) or "").rstrip("0")
    return "%04d-%02d-%02dT%02d:%02d:%02d%sZ" % (t.year, t.month, t.day, t.hour, t.minute, t.second,
                                                "." + frac if frac else "")


def _scalar(value, kind):
    if kind == _TIME:
        return utc_timestamp(str(value))
    if isinstance(value, Plain) and kind in (_BOOL, _NUMBER):
        resolved = resolve_plain(value)
        return value if resolved is _NOVALUE else resolved
    return str(value) if isinstance(value, Plain) else value


def normalise_record(node, table, path, omitted):
    """The record as report.json's account should hold it; the pointers of
    the members left out are appended to `omitted`."""
    out = {}
    for key, kind in table:
        if key not in node:
            continue
        value, where = node[key], path + pointer([key])
        if kind == _TEXTS:
            out[key] = [_scalar(v, _TEXT) for v in value]
        elif isinstance(kind, tuple) and kind[0] == "object":
            out[key] = normalise_record(value, kind[1], where, omitted)
        elif isinstance(kind, tuple):
            out[key] = [normalise_record(item, _EVENT.get(str(item.get("type")), []) if kind[0] == "events"
                                         else kind[1], "%s/%d" % (where, i), omitted)
                        for i, item in enumerate(value)]
        else:
            out[key] = _scalar(value, kind)
    known = {key for key, _ in table}
    omitted.extend(path + pointer([key]) for key in node if key not in known)
    return out


def first_difference(want, got, path=""):
    """Where `got` differs from `want` as JSON, member order included
    (None if it does not)."""
    where = path or "(root)"
    if isinstance(want, dict) and isinstance(got, dict):
        if list(want) != list(got):
            return "%s: members %s, expected %s" % (where, _short(list(got), 200), _short(list(want), 200))
        for key in want:
            diff = first_difference(want[key], got[key], path + pointer([key]))
            if diff:
                return diff
        return None
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return "%s: %d items, expected %d" % (where, len(got), len(want))
        for i, (w, g) in enumerate(zip(want, got)):
            diff = first_difference(w, g, "%s/%d" % (path, i))
            if diff:
                return diff
        return None
    same_kind = (isinstance(want, bool) == isinstance(got, bool)
                 and isinstance(want, (int, float)) == isinstance(got, (int, float)))
    if not same_kind or want != got:
        return "%s: %s, expected %s" % (where, _short(got, 100), _short(want, 100))
    return None


def _load_entry(data, what):
    try:
        return load_json_text(data.decode("utf-8")), None
    except (LoadError, UnicodeDecodeError) as exc:
        return None, "%s is not strict UTF-8 JSON: %s" % (what, exc)


def check_bundles(report, args, validators, records):
    """Section 7: 'dyd export' of every record, checked entry by entry."""
    manifest_v, report_v = validators.get("manifest"), validators.get("report")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    tmp = tempfile.mkdtemp(prefix="dyd-check-schemas-")
    try:
        for path in records:
            check_bundle(report, args.dyd, env, tmp, rel(path, args.testdata), path, manifest_v, report_v)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_bundle(report, dyd, env, tmp, name, record, manifest_v, report_v):
    out = os.path.join(tmp, os.path.splitext(os.path.basename(record))[0] + ".zip")
    argv = ["export", "--as-of", EXPORT_AS_OF, "--force", "-o", out, record]
    label = "dyd export --as-of %s (%s) exits 0 and writes the ZIP" % (EXPORT_AS_OF, name)
    rc, _, err, why = run_dyd(dyd, argv, env)
    if why or rc != 0 or not os.path.isfile(out):
        report.check(False, label, [why] if why else ["exit status %s" % rc] + tail(err))
        return
    report.check(True, label)
    prefix = "bundle %s: " % name

    # the ZIP
    entries, problems = {}, []
    want_names = ["manifest.json", "report.html", "report.json"]
    try:
        with zipfile.ZipFile(out) as zf:
            bad = zf.testzip()
            if bad is not None:
                problems.append("testzip(): bad CRC or header in %r" % bad)
            names = zf.namelist()
            if names != want_names:
                problems.append("entries %s, expected %s" % (names, want_names))
            for n in want_names:
                if n in names:
                    entries[n] = zf.read(n)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        problems.append("cannot read the ZIP: %s" % exc)
    report.check(not problems, prefix + "an intact ZIP of manifest.json, report.html, report.json (in that order)",
                 problems)

    # manifest.json and report.json against their schemas
    docs = {}
    for entry, key, validator, order in (
            ("manifest.json", "manifest", manifest_v,
             ["format", "generator", "account_id", "as_of", "policy", "encrypted", "files", "omitted", "truncated"]),
            ("report.json", "report", report_v,
             ["format", "generator", "as_of", "language", "time_zone", "policy", "account", "decision", "update"])):
        if entry not in entries:
            continue
        lbl = prefix + "%s validates against %s.schema.json" % (entry, key)
        doc, why = _load_entry(entries[entry], entry)
        if why:
            report.check(False, lbl, [why])
            continue
        docs[entry] = doc
        if validator is None:
            continue
        errs = schema_errors(validator, doc)
        if not errs and list(doc) != order:
            errs = ["members in the order %s, expected %s" % (list(doc), order)]
        report.check(not errs, lbl, errs)
    manifest, rep = docs.get("manifest.json"), docs.get("report.json")

    # sizes and digests
    if isinstance(manifest, dict) and isinstance(manifest.get("files"), list):
        problems = []
        listed = [f.get("name") for f in manifest["files"] if isinstance(f, dict)]
        if listed != ["report.html", "report.json"]:
            problems.append("files lists %s, expected ['report.html', 'report.json']" % listed)
        for f in manifest["files"]:
            if not isinstance(f, dict) or f.get("name") not in entries:
                continue
            data = entries[f["name"]]
            if f.get("size") != len(data):
                problems.append("%s: size %r, the entry has %d bytes" % (f["name"], f.get("size"), len(data)))
            digest = hashlib.sha256(data).hexdigest()
            if f.get("sha256") != digest:
                problems.append("%s: sha256 %r, the entry's is %s" % (f["name"], f.get("sha256"), digest))
        report.check(not problems, prefix + "manifest sizes and SHA-256 match the entries", problems)

    if not isinstance(rep, dict):
        return

    # the decision is what 'dyd status --json' prints
    argv = ["status", "--json", "--as-of", EXPORT_AS_OF, record]
    lbl = prefix + "report.json decision equals 'dyd %s' output" % " ".join(argv[:4])
    rc, stdout, err, why = run_dyd(dyd, argv, env)
    if why or rc != 0:
        report.check(False, lbl, [why] if why else ["dyd status: exit status %s" % rc] + tail(err))
    else:
        status, why = _load_entry(stdout, "dyd status output")
        diff = why or first_difference(status, rep.get("decision"), "/decision")
        report.check(not diff, lbl, [diff] if diff else [])

    # the account is the record normalised; what is left out is listed
    problems = []
    try:
        omitted = []
        want = normalise_record(load_file(record), _RECORD, "", omitted)
    except (LoadError, ValueError, AttributeError, TypeError) as exc:
        problems.append("cannot normalise the record here: %s" % exc)
    else:
        diff = first_difference(want, rep.get("account"), "/account")
        if diff:
            problems.append(diff)
        if isinstance(manifest, dict) and isinstance(manifest.get("omitted"), list):
            got = sorted(o.get("pointer") for o in manifest["omitted"] if isinstance(o, dict))
            if got != sorted(omitted):
                problems.append("manifest omitted %s, expected %s" % (_short(got, 150), _short(sorted(omitted), 150)))
    report.check(not problems, prefix + "report.json account is the record normalised; "
                 "manifest omitted lists what it leaves out", problems)

    # the three documents agree
    problems = []
    dec = rep.get("decision") if isinstance(rep.get("decision"), dict) else {}
    rpol = rep.get("policy") if isinstance(rep.get("policy"), dict) else {}
    man = manifest if isinstance(manifest, dict) else {}
    for what, value in (("report as_of", rep.get("as_of")), ("decision as_of", dec.get("as_of")),
                        ("manifest as_of", man.get("as_of"))):
        if value != EXPORT_AS_OF:
            problems.append("%s is %r, expected %r" % (what, value, EXPORT_AS_OF))
    account_id = rep.get("account", {}).get("account_id") if isinstance(rep.get("account"), dict) else None
    for what, value in (("decision account_id", dec.get("account_id")),
                        ("manifest account_id", man.get("account_id"))):
        if value != account_id:
            problems.append("%s is %r, report account's is %r" % (what, value, account_id))
    want_pol = {"id": rpol.get("id"), "sha256": rpol.get("sha256")}
    for what, value in (("decision policy", dec.get("policy")), ("manifest policy", man.get("policy"))):
        if value != want_pol:
            problems.append("%s is %s, report policy's id/sha256 are %s" % (what, _short(value, 120), want_pol))
    if rep.get("generator") != man.get("generator"):
        problems.append("manifest generator %r, report generator %r" % (man.get("generator"), rep.get("generator")))
    if man.get("encrypted") is not False:
        problems.append("manifest encrypted is %r without --encrypt" % (man.get("encrypted"),))
    if man.get("truncated") != []:
        problems.append("manifest truncated is %s, expected [] (dyd 0.1 truncates nothing)"
                        % _short(man.get("truncated"), 120))
    tag = rep.get("account", {}).get("language") if isinstance(rep.get("account"), dict) else None
    lang = next((l for l in ("en", "id") if isinstance(tag, str) and (tag == l or tag.startswith(l + "-"))), "en")
    if rep.get("language") != lang:
        problems.append("language is %r, expected %r (from the record's %r, no --lang)" % (rep.get("language"), lang, tag))
    if rep.get("time_zone") != "UTC":
        problems.append("time_zone is %r, expected 'UTC' (no --tz)" % (rep.get("time_zone"),))
    report.check(not problems, prefix + "manifest, report and decision agree (account_id, as_of, policy, "
                 "generator; language, time zone, encrypted and truncated as expected)", problems)


def check_results(report, args, validators, records):
    """Section 8: 'dyd batch' of the records directory: every line of its
    results file validates against results.schema.json, and the answer of
    each ok line is that of the record's decision ('dyd status --json')."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "DYD_PASSWORD")}
    tmp = tempfile.mkdtemp(prefix="dyd-check-results-")
    directory = os.path.join(args.testdata, "records")
    try:
        rc, _, err, why = run_dyd(args.dyd, ["batch", "--quiet", "--as-of", EXPORT_AS_OF,
                                            "-d", os.path.join(tmp, "out"), directory], env)
        path = os.path.join(tmp, "out", "results.jsonl")
        if not report.check(not why and rc in (0, 1) and os.path.isfile(path),
                            "dyd batch of %s writes a results file" % rel(directory, args.testdata),
                            [why or "exit status %s" % rc] + tail(err)):
            return
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        report.check(len(lines) == len(records), "dyd batch: a results line per record",
                     ["%d lines, %d records" % (len(lines), len(records))])
        for n, text in enumerate(lines, 1):
            try:
                line = load_json_text(text)
            except LoadError as exc:
                report.check(False, "results.jsonl:%d is JSON" % n, [str(exc)])
                continue
            report.check(validators["results"].is_valid(line),
                         "results.jsonl:%d validates against results.schema.json" % n,
                         schema_errors(validators["results"], line))
            if line.get("status") == "ok":
                check_answer(report, args.dyd, n, line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_answer(report, dyd, n, line):
    """The answer members of an ok line against the record's decision."""
    rc, out, err, why = run_dyd(dyd, ["status", "--json", "--as-of", EXPORT_AS_OF, line["source"]])
    label = "results.jsonl:%d (%s): its answer is the decision's" % (n, line["account_id"])
    if why or rc != 0:
        report.check(False, label, [why or "dyd status: exit %s" % rc] + tail(err))
        return
    d = json.loads(out)
    want = {
        "optout": d["optout"] and {"status": d["optout"]["status"], "reason": d["optout"]["reason"]},
        "withheld": {w["purpose"]: w["withheld_by"] for w in d["withheld_purposes"]},
        "shared": [c["id"] for c in d["categories"] if c.get("shared")],
        "terms": {t["id"]: t["status"] for t in d["terms"]},
    }
    got = {k: line.get(k) for k in want}
    report.check(got == want and list(line["withheld"]) == list(want["withheld"]) and
                 list(line["terms"]) == list(want["terms"]), label,
                 ["got %s" % json.dumps(got)[:300], "want %s" % json.dumps(want)[:300]])


def check_status(report, dyd, decision, name, record, as_of, policy):
    """Run 'dyd status --json' and validate its output as a decision."""
    argv = ["status", "--json", "--as-of", as_of] + (["--policy", policy] if policy else []) + [record]
    label = "dyd %s (%s): output validates against decision.schema.json" % (" ".join(argv[:4]), name)
    rc, out, err, why = run_dyd(dyd, argv)
    if why:
        report.check(False, label, [why])
        return
    if rc == 3 and not out.strip():
        report.note("skip: dyd status (%s): exit 3 with no output (invalid as of %s)" % (name, as_of))
        return
    if rc != 0:
        report.check(False, label, ["exit status %s" % rc] + tail(err))
        return
    try:
        inst = load_json_text(out.decode("utf-8"))
    except (LoadError, UnicodeDecodeError) as exc:
        report.check(False, label, ["stdout is not JSON: %s" % exc] + tail(out))
        return
    errs = schema_errors(decision, inst)
    want = as_of + "T00:00:00Z" if len(as_of) == 10 else as_of
    if isinstance(inst, dict) and inst.get("as_of") != want:
        errs.append("as_of is %r, expected %r" % (inst.get("as_of"), want))
    report.check(not errs, label, errs)


if __name__ == "__main__":
    sys.exit(main())
