# tests/: the end-to-end suite and the fuzz-target driver; unit suites are added by each folder's local.mk.
EXTRA_DIST += tests/e2e tests/transcripts
