# station_lib.bash - helpers of the station's HTTP tests, sourced after lib.bash (the .bash suffix keeps CTest from
# running it): a station on a free port of 127.0.0.1 ($DB, $U), one curl request per call with its headers, body
# and status kept, expectations on them, and a login through the real form (CSRF token included).
SRV_PID=""
# stop_server: SIGTERM, then the station must exit 0 with nothing from the sanitizers on stderr.
stop_server() {
	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null || true
		local rc=0
		wait "$SRV_PID" 2>/dev/null || rc=$?
		SRV_PID=""
		CHECKS=$((CHECKS + 1))
		[ "$rc" -eq 0 ] || fail "the station exited $rc after SIGTERM: $(tail -5 "$T/srv.err")"
		! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$T/srv.err" || fail "sanitizer report: $(head -20 "$T/srv.err")"
	fi
}
trap 'if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; fi; lb_cleanup' EXIT

# start_server ARGS…: runs the station on a free port of 127.0.0.1 and sets U to its base URL.
# The previous server's output is removed first: the shell truncates srv.out only once the new child runs, and a
# restart used to read the old server's "listening on" line and then find the file empty.
start_server() {
	rm -f "$T/srv.out" "$T/srv.err"
	"$LIFEBOAT" station --db "$DB" --listen 127.0.0.1:0 "$@" >"$T/srv.out" 2>"$T/srv.err" &
	SRV_PID=$!
	U=""
	for _ in $(seq 1 100); do
		U=$(sed -n 's|^listening on \(https\{0,1\}://[^/]*\)/$|\1|p' "$T/srv.out" 2>/dev/null)
		[ -n "$U" ] && break
		sleep 0.1
	done
	[ -n "$U" ] || { echo "station did not start: $(cat "$T/srv.err")" >&2; exit 1; }
}

# req NAME CURL-ARGS…: one request; headers in $T/NAME.h, body in $T/NAME.b, status in $STATUS.
req() {
	local name=$1
	shift
	STATUS=$(curl -s --max-time 20 -o "$T/$name.b" -D "$T/$name.h" -w '%{http_code}' "$@")
}
expect_status() { # expect_status CODE "what"
	CHECKS=$((CHECKS + 1))
	[ "$STATUS" = "$1" ] || fail "$2: HTTP $STATUS, expected $1"
}
expect_body() { # expect_body NAME PATTERN "what"
	CHECKS=$((CHECKS + 1))
	grep -qE -- "$2" "$T/$1.b" || fail "$3: body lacks /$2/: $(head -c 300 "$T/$1.b")"
}
expect_no_body() { # expect_no_body NAME PATTERN "what"
	CHECKS=$((CHECKS + 1))
	! grep -qE -- "$2" "$T/$1.b" || fail "$3: body has /$2/"
}
expect_header() { # expect_header NAME PATTERN "what"
	CHECKS=$((CHECKS + 1))
	grep -qiE -- "$2" "$T/$1.h" || fail "$3: headers lack /$2/: $(tr -d '\r' <"$T/$1.h" | head -20)"
}
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/$1.b" | head -1; }
# login JAR USER PASSWORD: fetch the form, post it; status of the POST in $STATUS.
login() {
	rm -f "$1"
	req loginform -k -c "$1" -b "$1" "$U/login"
	local c
	c=$(csrf_of loginform)
	req login -k -c "$1" -b "$1" --data-urlencode "csrf=$c" --data-urlencode "username=$2" --data-urlencode "password=$3" "$U/login"
}
ids_of() { grep -o 'href="/patient/[^"]*"' "$T/$1.b" | sort -u | tr '\n' ' '; }
