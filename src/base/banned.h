/* Calls the project does not use, banned at compile time (after the system
 * headers that declare them, so their declarations stay legal).
 * strcpy/strcat/sprintf/vsprintf: no bound; gets: no bound at all;
 * strtok: hidden global state; strncpy: does not NUL-terminate. Use
 * snprintf, memcpy with a checked length, pare_buf, or slices instead. */
#ifndef PARE_BASE_BANNED_H
#define PARE_BASE_BANNED_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#pragma GCC poison strcpy strcat sprintf vsprintf gets strtok strncpy strncat
#endif
