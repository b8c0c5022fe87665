#!/bin/bash
# Recreate the shared Maildirs of all anchor users from the pristine corpora,
# so a benchmark starts from a clean, identical state on both servers.
#
#   reset-mail.sh [--messages N] [--seed S] [--link] [--indexes-only] [--regen]
#
#   --messages N    INBOX size of testuser's corpus (default 10000; e.g. 100000)
#   --seed S        corpus seed (default 1)
#   --link          hard-link message files from the corpus instead of copying
#                   (instant even for 100k; safe: neither server rewrites a
#                   message file in place, they only rename/unlink)
#   --indexes-only  do not recopy mail; only delete both servers' index/cache
#                   files (cold start on the current contents)
#   --regen         regenerate the corpus even if it is cached
#
# Corpora are cached in /srv/anchors/corpus/<user>-<N>-s<seed>/Maildir
# (made by mkcorpus.py).  Users: testuser (N messages + .Sent .Drafts .Trash
# .Archive.2024), alice (25 messages + folders), bob (empty Maildir).
#
# It is safe to run while the servers are up, but logged-in sessions keep
# stale state: for cold-start measurements run stop.sh / reset-mail.sh /
# start.sh.  Both servers move new/ to cur/ and write their own index files
# when a mailbox is opened, so reset between runs that must start identical.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ "$(id -u)" = 0 ] || die "run as root"

N=10000; SEED=1; LINK=0; IDX_ONLY=0; REGEN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) N=$2; shift 2;;
        --messages=*) N=${1#*=}; shift;;
        --seed) SEED=$2; shift 2;;
        --seed=*) SEED=${1#*=}; shift;;
        --link) LINK=1; shift;;
        --indexes-only) IDX_ONLY=1; shift;;
        --regen) REGEN=1; shift;;
        -h|--help) sed -n '2,25p' "$0"; exit 0;;
        *) die "unknown option $1";;
    esac
done
case "$N" in ''|*[!0-9]*) die "--messages needs a number";; esac

ensure_vmail_user
ensure_mail_root
PY=$(command -v python3 || true); [ -n "$PY" ] || die "python3 needed"

# Index / cache / state files the servers create inside a Maildir.
purge_server_files() { # maildir
    find "$1" \( -name 'courierimapuiddb*' -o -name 'courierimapkeywords' -o -name 'courierimaphieracl' \
        -o -name 'courierimapacl' -o -name 'courierpop3dsizelist' -o -name 'courierimapsharedindex*' \
        -o -name 'dovecot.index*' -o -name 'dovecot-uidlist*' -o -name 'dovecot-keywords' \
        -o -name 'dovecot.list.index*' -o -name 'dovecot-uidvalidity*' -o -name 'dovecot.mailbox.log*' \
        -o -name '.imapacl' -o -name 'maildirsize' -o -name 'dovecot-acl-list' \
        -o -name 'hatoimapcache*' \) \
        -exec rm -rf {} + 2>/dev/null || true
    # Courier keeps keyword state in courierimapkeywords/ dirs, temp files in tmp/
    find "$1" -type d -name tmp -path '*/tmp' -exec sh -c 'rm -f "$1"/* 2>/dev/null' _ {} \; 2>/dev/null || true
}

corpus_for() { # user -> corpus Maildir path (generated if missing)
    local u=$1 dir args
    case "$u" in
        testuser) dir="$CORPUS_ROOT/testuser-$N-s$SEED"; args=(--messages "$N" --seed "$SEED" --user testuser);;
        alice)    dir="$CORPUS_ROOT/alice-25-s$SEED"; args=(--messages 25 --seed "$((SEED + 1000))" --user alice);;
        *)        dir="$CORPUS_ROOT/empty"; args=();;
    esac
    if [ "$REGEN" = 1 ]; then rm -rf "$dir"; fi
    if [ ! -d "$dir/Maildir/cur" ]; then
        mkdir -p "$dir"
        if [ ${#args[@]} -eq 0 ]; then
            mkdir -p "$dir/Maildir/cur" "$dir/Maildir/new" "$dir/Maildir/tmp"
        else
            log "generating corpus $dir (mkcorpus.py ${args[*]})"
            "$PY" "$ANCHORS_DIR/../mkcorpus" --maildir "$dir/Maildir" --force "${args[@]}" > "$dir/summary.json"
        fi
    fi
    echo "$dir/Maildir"
}

for up in $ANCHOR_USERS; do
    u=${up%%:*}
    home="$MAIL_ROOT/$u"
    if [ "$IDX_ONLY" = 1 ]; then
        [ -d "$home/Maildir" ] || die "$home/Maildir missing; run without --indexes-only first"
        purge_server_files "$home/Maildir"
        log "$u: index/cache files removed"
        continue
    fi
    src=$(corpus_for "$u")
    rm -rf "$home.new" "$home.old"
    mkdir -p "$home.new"
    if [ "$LINK" = 1 ]; then
        cp -al "$src" "$home.new/Maildir"
    else
        cp -a "$src" "$home.new/Maildir"
    fi
    purge_server_files "$home.new/Maildir"
    chown -R "$VMAIL_UID:$VMAIL_GID" "$home.new"
    chmod 0700 "$home.new"
    find "$home.new" -type d -exec chmod 0700 {} +
    if [ "$LINK" = 0 ]; then find "$home.new" -type f -exec chmod 0600 {} +; fi
    if [ -d "$home" ]; then mv "$home" "$home.old"; fi
    mv "$home.new" "$home"
    rm -rf "$home.old"
    cnt=$( (ls "$home/Maildir/cur"; ls "$home/Maildir/new") | wc -l)
    log "$u: $home/Maildir reset from $src ($cnt messages in INBOX)"
done
