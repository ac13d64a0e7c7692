/* hello: the smallest C program pare builds from source (recipes/hello). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *who = argc > 1 ? argv[1] : "world";
	if (strlen(who) > 64)
		who = "someone with a long name";
	printf("hello, %s\n", who);
	return 0;
}
