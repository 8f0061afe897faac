#!/usr/bin/env bash
# Boots Roster for the Playwright specs: builds the console and the server, creates a fresh PGlite database on disk with
# the e2e administrators, the lifecycle specs' organizations and a SCIM token (the CLI is the only way in,
# as for an operator), then starts the server on it. The token goes to $E2E_STATE_DIR/scim-token for the
# specs' SCIM calls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${E2E_STATE_DIR:?}" "${E2E_ADMIN_EMAIL:?}" "${E2E_ADMIN_PASSWORD:?}" "${E2E_LOCKOUT_EMAIL:?}" "${E2E_LOCKOUT_PASSWORD:?}"
rm -rf "$E2E_STATE_DIR"
mkdir -p "$E2E_STATE_DIR"
export DATABASE_URL="pglite://$E2E_STATE_DIR/data"
pnpm build >/dev/null
pnpm roster admin create --email "$E2E_ADMIN_EMAIL" --password "$E2E_ADMIN_PASSWORD" >/dev/null
pnpm roster admin create --email "$E2E_LOCKOUT_EMAIL" --password "$E2E_LOCKOUT_PASSWORD" >/dev/null
# The lifecycle specs' own organizations, each with its administrator ("slug email password" per line).
while read -r slug email password; do
	[[ -n $slug ]] || continue
	pnpm roster org create --slug "$slug" --name "Lifecycle $slug" >/dev/null
	pnpm roster admin create --email "$email" --password "$password" --org "$slug" >/dev/null
done <<<"${E2E_LIFECYCLE_ORGS:-}"
pnpm roster token create --org default --name e2e-seed --idp generic | tail -n 1 >"$E2E_STATE_DIR/scim-token"
exec pnpm --filter @roster/server start
