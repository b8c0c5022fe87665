# userdb/ part of the top-level Makefile.am
