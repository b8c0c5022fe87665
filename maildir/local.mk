# maildir/ part of the top-level Makefile.am
