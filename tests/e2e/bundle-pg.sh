#!/bin/sh
# SPDX-License-Identifier: MIT
# The USB-stick scenarios of bundle.sh with the hub on the PostgreSQL storage: kiosks' sticks
# merged at the hub go into PostgreSQL, and the hub's stick carries everyone's events from
# there. The server is made as in hub-pg.sh (which skips where it cannot run).
HUB_PG_SCRIPT=bundle.sh exec sh "$(dirname "$0")/hub-pg.sh"
