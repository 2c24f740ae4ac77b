#!/bin/sh
# A throw-away OCI registry for the image tests: Debian's docker-registry
# listening on 127.0.0.1 only, on a free port, storing in DIR/storage.
#
#	registry.sh start DIR	starts it, prints the port (DIR/port too)
#	registry.sh stop DIR	stops the one started in DIR (DIR/registry.pid)
#
# The registry's log is DIR/registry.log.  No TLS, no auth: clients pass
# --tls-verify=false, which kbgen does by itself for 127.0.0.1.
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || {
	echo "usage: registry.sh start|stop DIR" >&2
	exit 2
}

stop() {
	[ -f "$dir/registry.pid" ] || return 0
	pid=$(cat "$dir/registry.pid")
	kill "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$dir/registry.pid"
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

up() {
	python3 -c 'import sys, urllib.request
try:
    urllib.request.urlopen("http://127.0.0.1:%s/v2/" % sys.argv[1], timeout=1)
except Exception:
    sys.exit(1)' "$1"
}

case $cmd in
start)
	command -v docker-registry >/dev/null 2>&1 || {
		echo "registry.sh: docker-registry is not installed" \
		    "(apt-get install docker-registry)" >&2
		exit 1
	}
	mkdir -p "$dir/storage"
	stop
	# A port found free may be taken before the registry binds it:
	# try a few.
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		cat >"$dir/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONF
		nohup docker-registry serve "$dir/config.yml" \
		    >"$dir/registry.log" 2>&1 </dev/null &
		echo $! >"$dir/registry.pid"
		i=0
		while [ $i -lt 50 ]; do
			if up "$port"; then
				echo "$port" >"$dir/port"
				echo "$port"
				exit 0
			fi
			kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		stop
	done
	echo "registry.sh: docker-registry did not start; its log:" >&2
	tail -5 "$dir/registry.log" >&2
	exit 1
	;;
stop)
	stop
	;;
*)
	echo "usage: registry.sh start|stop DIR" >&2
	exit 2
	;;
esac
