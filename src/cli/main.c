#include "cli/cli.h"

int main(int argc, char **argv)
{
	return pare_cli_main(argc, argv);
}
