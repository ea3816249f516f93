#!/usr/bin/env bash
# Fails when a section reference such as "protocol.md §12.8" in the code or the READMEs names
# no heading in docs/, or when a relative markdown link leads nowhere. See check_doc_references.py.
set -euo pipefail
exec python3 "$(dirname "$0")/check_doc_references.py" "$@"
