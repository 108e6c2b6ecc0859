# Servers for the transport and fault tests, each started by the test on
# 127.0.0.1 with a free port and stopped in teardown (stop_servers), even
# when the test fails.  Each start_* function sets PORT and leaves the
# bare repository $SRV/hub.git ready to be fetched from and pushed to.

SRV=$BATS_TEST_TMPDIR/srv

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens there (at most ten seconds).
wait_port() {
	local i
	for i in $(seq 1 100); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
			"$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "nothing listens on port $1"
}

# remember PID: stop_servers kills it.
remember() {
	echo "$1" >>"$BATS_TEST_TMPDIR/pids"
}

stop_servers() {
	local pid
	[ -f "$BATS_TEST_TMPDIR/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/pids"
	while read -r pid; do
		# git daemon's and sshd's children go with their connections.
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/pids"
	rm -f "$BATS_TEST_TMPDIR/pids"
}

new_hub() {
	mkdir -p "$SRV"
	[ -d "$SRV/hub.git" ] || git init -q --bare "$SRV/hub.git"
}

# git daemon serving $SRV, pushes allowed.
start_git_daemon() {
	new_hub
	PORT=$(free_port)
	git daemon --reuseaddr --base-path="$SRV" --export-all \
		--enable=receive-pack --listen=127.0.0.1 --port="$PORT" \
		--informative-errors "$SRV" >"$SRV/daemon.log" 2>&1 &
	remember $!
	wait_port "$PORT"
}

# lighttpd running git http-backend as a CGI under /git/, every request
# behind basic auth: user ada, password $HTTP_PASSWORD.  With "tls", over
# https with a self-signed certificate for 127.0.0.1 in $SRV/ca.pem.
HTTP_PASSWORD=correct-horse-9
start_lighttpd() {
	local tls=
	new_hub
	PORT=$(free_port)
	mkdir -p "$SRV/www"
	printf 'ada:%s\n' "$HTTP_PASSWORD" >"$SRV/users"
	if [ "${1:-}" = tls ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
			-addext "subjectAltName=DNS:127.0.0.1,IP:127.0.0.1" \
			-keyout "$SRV/key.pem" -out "$SRV/ca.pem" 2>/dev/null ||
			fail "openssl could not make a certificate"
		cat "$SRV/ca.pem" "$SRV/key.pem" >"$SRV/server.pem"
		tls="server.modules += (\"mod_openssl\")
ssl.engine = \"enable\"
ssl.pemfile = \"$SRV/server.pem\""
	fi
	cat >"$SRV/lighttpd.conf" <<-CONF
	server.document-root = "$SRV/www"
	server.bind = "127.0.0.1"
	server.port = $PORT
	server.errorlog = "$SRV/lighttpd-error.log"
	server.modules = ("mod_access", "mod_alias", "mod_setenv", "mod_auth",
		"mod_authn_file", "mod_cgi", "mod_accesslog")
	accesslog.filename = "$SRV/access.log"
	alias.url = ("/git" => "$(git --exec-path)/git-http-backend")
	\$HTTP["url"] =~ "^/git" {
		cgi.assign = ("" => "")
		setenv.add-environment = ("GIT_PROJECT_ROOT" => "$SRV",
			"GIT_HTTP_EXPORT_ALL" => "1")
		auth.backend = "plain"
		auth.backend.plain.userfile = "$SRV/users"
		auth.require = ("" => ("method" => "basic", "realm" => "school",
			"require" => "valid-user"))
	}
	$tls
	CONF
	lighttpd -D -f "$SRV/lighttpd.conf" >"$SRV/lighttpd.out" 2>&1 &
	remember $!
	wait_port "$PORT"
}

# sshd on a high port with a generated host key; the test user's key
# (~/.ssh/id_ed25519, no passphrase) is authorised, and the host key is in
# ~/.ssh/known_hosts.  SSH_USER is who logs in.
start_sshd() {
	new_hub
	PORT=$(free_port)
	SSH_USER=$(id -un)
	mkdir -p "$HOME/.ssh" "$SRV/ssh"
	chmod 700 "$HOME/.ssh"
	[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$SRV/ssh/host_key"
	[ -f "$HOME/.ssh/id_ed25519" ] ||
		ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
	cp "$HOME/.ssh/id_ed25519.pub" "$SRV/ssh/authorized_keys"
	printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$SRV/ssh/host_key.pub")" \
		>"$HOME/.ssh/known_hosts"
	cat >"$SRV/ssh/sshd_config" <<-CONF
	Port $PORT
	ListenAddress 127.0.0.1
	HostKey $SRV/ssh/host_key
	PidFile $SRV/ssh/sshd.pid
	AuthorizedKeysFile $SRV/ssh/authorized_keys
	StrictModes no
	UsePAM no
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PubkeyAuthentication yes
	PermitRootLogin prohibit-password
	AllowTcpForwarding no
	X11Forwarding no
	PrintMotd no
	SetEnv PATH=$PATH
	CONF
	"$(command -v sshd || echo /usr/sbin/sshd)" -D -e -f "$SRV/ssh/sshd_config" \
		>"$SRV/ssh/sshd.log" 2>&1 &
	remember $!
	wait_port "$PORT"
}

# The fault proxy (tests/tools/cutproxy.py) in front of TARGET_PORT; sets
# PROXY_PORT.  Its options follow.
start_proxy() {
	local target=$1
	shift
	rm -f "$SRV/proxy.port"
	python3 "$TOP/tests/tools/cutproxy.py" "$SRV/proxy.port" "$target" "$@" &
	remember $!
	for _ in $(seq 1 100); do
		[ -s "$SRV/proxy.port" ] && break
		sleep 0.05
	done
	PROXY_PORT=$(cat "$SRV/proxy.port")
}
