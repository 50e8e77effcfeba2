/* SPDX-License-Identifier: MIT */
/* vkhid: the one program (busybox-style subcommands, see cli/cli.c). */
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, stdout, stderr);
}
