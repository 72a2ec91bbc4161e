#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seed corpora of the verify and key fuzz targets, which are
# committed: testdata/fuzz/verify/ (bundles signed with the published test
# key testdata/keys/fuzz-test.pem, unsigned ones, and signed ones tampered
# with in each way verify --trust must catch) and testdata/fuzz/key/ (key
# files of every kind dyd tells apart). The signed bundles come out the
# same each time (Ed25519 is deterministic); the encrypted bundle and the
# keys of other types do not, being made with fresh randomness.
#
# usage: tests/fuzz/make_seeds.sh DYD
set -eu
dyd=$(realpath "$1")
cd "$(dirname "$0")/../.."
key=testdata/keys/fuzz-test.pem
v=testdata/fuzz/verify
k=testdata/fuzz/key
mkdir -p "$v" "$k"
export SOURCE_DATE_EPOCH=1622505600
for r in budi-santoso.json siti-rahayu.yaml wulan-sari.yaml; do
	n=${r%.*}
	"$dyd" export --force --sign-key "$key" -o "$v/$n.signed.zip" \
		"testdata/records/$r" 2>/dev/null
	"$dyd" export --force -o "$v/$n.zip" "testdata/records/$r"
done
printf 'fuzz\n' >"$v/.password"
"$dyd" export --force --encrypt --password-file "$v/.password" \
	--sign-key "$key" -o "$v/budi-santoso.encrypted.zip" \
	testdata/records/budi-santoso.json 2>/dev/null
rm "$v/.password"
python3 - "$v" <<'EOF'
import hashlib, io, json, sys, zipfile
v = sys.argv[1]
src = f"{v}/budi-santoso.signed.zip"
with zipfile.ZipFile(src) as z:
    entries = {n: z.read(n) for n in z.namelist()}
with zipfile.ZipFile(f"{v}/siti-rahayu.signed.zip") as z:
    siti = {n: z.read(n) for n in z.namelist()}


def write(name, changed):
    with zipfile.ZipFile(f"{v}/{name}", "w", zipfile.ZIP_DEFLATED) as z:
        for n, body in changed.items():
            info = zipfile.ZipInfo(n, (2021, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, body)


html = entries["report.html"].replace(b"</body>", b"<p>x</p></body>")
m = json.loads(entries["manifest.json"])
m["files"][0].update(size=len(html), sha256=hashlib.sha256(html).hexdigest())
write("tampered-rehashed.zip", dict(entries, **{
    "report.html": html,
    "manifest.json": json.dumps(m, indent=2).encode() + b"\n"}))
write("tampered-swapped.zip", dict(entries, **{
    "manifest.json": siti["manifest.json"],
    "manifest.sig": siti["manifest.sig"]}))
write("tampered-dropped.zip", {n: b for n, b in entries.items()
                               if n != "manifest.sig"})
write("tampered-truncated.zip", dict(entries, **{
    "manifest.sig": entries["manifest.sig"][:32]}))
m = json.loads(entries["manifest.json"])
m["signature"]["algorithm"] = "rsa"
write("tampered-algorithm.zip", dict(entries, **{
    "manifest.json": json.dumps(m, indent=2).encode() + b"\n"}))
EOF
cp "$key" "$k/ed25519.pem"
cp "$key.pub" "$k/ed25519.pub"
openssl pkey -in "$key" -aes256 -passout pass:fuzz -out "$k/encrypted.pem"
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 \
	-out "$k/rsa.pem" 2>/dev/null
openssl pkey -in "$k/rsa.pem" -traditional -out "$k/rsa-traditional.pem"
openssl pkey -in "$k/rsa.pem" -pubout -out "$k/rsa.pub"
openssl genpkey -algorithm ed448 -out "$k/ed448.pem"
openssl genpkey -algorithm x25519 -out "$k/x25519.pem"
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 \
	-out "$k/ec.pem"
openssl req -new -x509 -key "$key" -subj /CN=fuzz -days 1 \
	-out "$k/certificate.pem"
cat "$key" "$key.pub" >"$k/two-blocks.pem"
head -c 80 "$key" >"$k/cut.pem"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n' \
	>"$k/openssh.pem"
