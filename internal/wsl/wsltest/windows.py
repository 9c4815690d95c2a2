#!/usr/bin/env python3
# Stand-in for the Windows side of WSL in rtdev's tests: powershell.exe,
# wslpath and wslinfo. It records every call (argv and standard input) in
# calls.jsonl, keeps the current user's Root store in rootstore (one
# "THUMBPRINT BASE64-DER" line per certificate) and answers as the Windows
# programs do: CRLF line ends, optionally UTF-16LE with a byte order mark or
# NUL bytes (encoding=...). windows.conf next to it holds the settings.
import base64, hashlib, json, os, re, ssl, sys, time, urllib.error, urllib.request

here = os.path.dirname(os.path.abspath(__file__))
prog = os.path.basename(sys.argv[0])


def conf():
    d = {}
    try:
        with open(os.path.join(here, "windows.conf")) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                if k:
                    d[k] = v
    except FileNotFoundError:
        pass
    return d


c = conf()
stdin = sys.stdin.read() if prog == "powershell.exe" else ""
with open(os.path.join(here, "calls.jsonl"), "a") as f:
    f.write(json.dumps({"argv": [prog] + sys.argv[1:], "stdin": stdin}) + "\n")


def emit(lines):
    text = "".join(l + "\r\n" for l in lines)
    enc = c.get("encoding", "")
    if enc == "utf16bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif enc == "utf16":
        data = text.encode("utf-16-le")
    elif enc == "nul":
        data = text.encode().replace(b"\r\n", b"\x00\r\n")
    else:
        data = text.encode()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def store():
    try:
        with open(os.path.join(here, "rootstore")) as f:
            return [l.split() for l in f if l.strip()]
    except FileNotFoundError:
        return []


def save(entries):
    with open(os.path.join(here, "rootstore"), "w") as f:
        f.writelines(t + " " + b + "\n" for t, b in entries)


if prog == "wslinfo":
    mode = c.get("networking", "")
    if not mode:
        sys.stderr.write("wslinfo: unrecognized option '--networking-mode'\n")
        sys.exit(1)
    sys.stdout.write(mode + "\n")
    sys.exit(0)

if prog == "wslpath":
    flag, path = sys.argv[1], sys.argv[2]
    if flag == "-u":
        m = re.match(r"^([A-Za-z]):\\(.*)$", path)
        sys.stdout.write(os.path.join(here, "mnt", m.group(1).lower(), *m.group(2).split("\\")) + "\n")
    else:
        sys.stdout.write("\\\\wsl.localhost\\Ubuntu" + path.replace("/", "\\") + "\n")
    sys.exit(0)

if c.get("hang"):
    # Interop switched off can leave the call waiting forever.
    time.sleep(600)
if c.get("interop") == "off":
    # Or the kernel refuses the Windows binary at once.
    sys.stderr.write("cannot execute binary file: Exec format error\n")
    sys.exit(126)

script = re.search(r"^# rtdev-script: (\S+)", stdin, re.M).group(1)
v = dict(re.findall(r"^\$(rtdev\w+) = '([^']*)'$", stdin, re.M))
tp = v.get("rtdevThumbprint", "")
certs = store()
have = [e for e in certs if e[0] == tp]
cancelled = "RTDEV:failed 0x800704C7 The operation was canceled by the user."

if script == "root-status":
    out = ["RTDEV:present" if have else "RTDEV:missing"]
    for t, b in certs:
        if t != tp and b"rtdev development CA" in base64.b64decode(b):
            out.append("RTDEV:other " + t)
    emit(out)
elif script == "root-install":
    if have:
        emit(["RTDEV:present"])
    else:
        der = base64.b64decode(v["rtdevCert"])
        if hashlib.sha1(der).hexdigest().upper() != tp:
            emit(["RTDEV:failed 0x00000000 the certificate received does not have the expected thumbprint"])
        elif c.get("dialog") == "no":
            # X509Store.Add throws when the user answers No.
            emit([cancelled])
        else:
            save(certs + [[tp, v["rtdevCert"]]])
            emit(["RTDEV:imported"])
elif script == "root-remove":
    if not have:
        emit(["RTDEV:missing"])
    elif c.get("dialog") == "no":
        emit([cancelled])
    else:
        save([e for e in certs if e[0] != tp])
        emit(["RTDEV:removed"])
elif script == "health-fetch":
    # Windows decides with its own store: the fetch trusts exactly the
    # certificates in rootstore.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for t, b in certs:
        ctx.load_verify_locations(cadata=base64.b64decode(b))
    url = "https://localhost:%s/rtdev/health" % v["rtdevPort"]
    try:
        with urllib.request.urlopen(url, timeout=10, context=ctx) as r:
            emit(["RTDEV:fetched %d" % r.status])
    except urllib.error.HTTPError as e:
        emit(["RTDEV:unreachable ProtocolError The remote server returned an error: (%d)." % e.code])
    except urllib.error.URLError as e:
        if isinstance(e.reason, ssl.SSLCertVerificationError):
            emit(["RTDEV:unreachable TrustFailure The remote certificate is invalid according to the validation procedure."])
        elif isinstance(e.reason, ConnectionRefusedError):
            emit(["RTDEV:unreachable ConnectFailure No connection could be made because the target machine actively refused it"])
        else:
            emit(["RTDEV:unreachable SecureChannelFailure " + str(e.reason)])
elif script == "windows-lan":
    emit(["RTDEV:addr " + a for a in c.get("lan", "").split(",") if a] + ["RTDEV:done"])
elif script == "user-profile":
    emit(["RTDEV:profile " + base64.b64encode(c.get("profile", "C:\\Users\\dev").encode()).decode()])
else:
    sys.stderr.write("unknown script " + script + "\n")
    sys.exit(1)
