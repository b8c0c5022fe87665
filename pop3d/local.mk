# pop3d/ part of the top-level Makefile.am
