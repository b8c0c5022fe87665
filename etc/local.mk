# etc/ part of the top-level Makefile.am: sample configs in Courier's format, installed as
# *.dist into $(pkgconfdir) (the administrator copies them to the names without .dist).
etcdistdir = $(pkgconfdir)
etcdist_DATA = etc/pop3d.dist etc/pop3d-ssl.dist etc/imapd.dist etc/imapd-ssl.dist
CLEANFILES += $(etcdist_DATA)
EXTRA_DIST += etc/pop3d.in etc/pop3d-ssl.in etc/imapd.in etc/imapd-ssl.in

etc/%.dist: $(srcdir)/etc/%.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && $(do_subst) <$< >$@
