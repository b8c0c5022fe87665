# rc.d/ part of the top-level Makefile.am: FreeBSD rc.subr scripts (enabled with
# <name>_enable="YES" in rc.conf) and systemd units, both generated with the build's paths.
rcddir = $(sysconfdir)/rc.d
rcd_SCRIPTS = rc.d/hato_authdaemond rc.d/hato_pop3d rc.d/hato_pop3d_ssl \
	rc.d/hato_imapd rc.d/hato_imapd_ssl
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = rc.d/hato-authdaemond.service rc.d/hato-pop3d.service \
	rc.d/hato-pop3d-ssl.service rc.d/hato-imapd.service rc.d/hato-imapd-ssl.service
CLEANFILES += $(rcd_SCRIPTS) $(systemdunit_DATA)
EXTRA_DIST += rc.d/hato_authdaemond.in rc.d/hato_pop3d.in rc.d/hato_pop3d_ssl.in \
	rc.d/hato_imapd.in rc.d/hato_imapd_ssl.in \
	rc.d/hato-authdaemond.service.in rc.d/hato-pop3d.service.in \
	rc.d/hato-pop3d-ssl.service.in rc.d/hato-imapd.service.in rc.d/hato-imapd-ssl.service.in

rc.d/hato_%: $(srcdir)/rc.d/hato_%.in Makefile
	$(AM_V_GEN)$(MKDIR_P) rc.d && $(do_subst) <$< >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@
rc.d/%.service: $(srcdir)/rc.d/%.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) rc.d && $(do_subst) <$< >$@
