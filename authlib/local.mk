# authlib/ part of the top-level Makefile.am
