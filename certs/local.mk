# certs/ part of the top-level Makefile.am: mkimapdcert, mkpop3dcert, mkdhparams and the
# certtool templates (installed as *.cnf.dist; the scripts use *.cnf when the admin made one).
sbin_SCRIPTS += certs/mkimapdcert certs/mkpop3dcert certs/mkdhparams
CLEANFILES += certs/mkimapdcert certs/mkpop3dcert certs/mkdhparams
EXTRA_DIST += certs/mkcert.in certs/mkdhparams.in certs/imapd.cnf certs/pop3d.cnf

certs/mkimapdcert certs/mkpop3dcert: $(srcdir)/certs/mkcert.in Makefile
	$(AM_V_GEN)$(MKDIR_P) certs && $(do_subst) <$(srcdir)/certs/mkcert.in >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@
certs/mkdhparams: $(srcdir)/certs/mkdhparams.in Makefile
	$(AM_V_GEN)$(MKDIR_P) certs && $(do_subst) <$(srcdir)/certs/mkdhparams.in >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@

certsdistdir = $(pkgconfdir)
certsdist_DATA = certs/imapd.cnf.dist certs/pop3d.cnf.dist
CLEANFILES += certs/imapd.cnf.dist certs/pop3d.cnf.dist
certs/imapd.cnf.dist: $(srcdir)/certs/imapd.cnf
	$(AM_V_GEN)$(MKDIR_P) certs && cp $(srcdir)/certs/imapd.cnf $@
certs/pop3d.cnf.dist: $(srcdir)/certs/pop3d.cnf
	$(AM_V_GEN)$(MKDIR_P) certs && cp $(srcdir)/certs/pop3d.cnf $@

man_MANS += man/mkimapdcert.8 man/mkpop3dcert.8 man/mkdhparams.8
EXTRA_DIST += man/mkimapdcert.8 man/mkpop3dcert.8 man/mkdhparams.8
