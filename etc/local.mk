# etc/ part of the top-level Makefile.am
