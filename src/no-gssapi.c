/*
 * GSS-API functions that refuse, for the static link (docs/adr/0022).
 *
 * Debian's libgit2 uses GSS-API (MIT Kerberos, libgssapi_krb5) for one
 * thing only: HTTP "Negotiate" authentication, on a fetch or a push over
 * HTTPS. git-spec never opens a transport: its programs read the work
 * tree, the index and the object database (see src/no-tls-certs.c). Linked
 * from the archives, libgit2.a needs these nine symbols, and there is no
 * archive of libgssapi_krb5; linking its shared object instead would bring
 * back six more (krb5, k5crypto, com_err, krb5support, keyutils, resolv)
 * to map and relocate at every start, about a quarter of the hook's
 * start-up. These take their place, in the programs, unit tests and fuzz
 * targets of a static build only (a shared build gets the real ones
 * through libgit2.so).
 *
 * Each says GSS_S_UNAVAILABLE: a Negotiate attempt would fail at its first
 * call (gss_indicate_mechs), cleanly, with libgit2's error "could not
 * query mechanisms" and the message below; the release functions accept
 * what the others hand out (nothing). The declarations follow the
 * GSS-API C bindings (RFC 2744) as MIT's <gssapi/gssapi.h> spells them;
 * that header is not needed to build (libkrb5-dev is not installed).
 */

#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;

typedef struct gss_OID_desc_struct {
	OM_uint32 length;
	void *elements;
} gss_OID_desc, *gss_OID;

typedef struct gss_OID_set_desc_struct {
	size_t count;
	gss_OID elements;
} gss_OID_set_desc, *gss_OID_set;

typedef struct gss_buffer_desc_struct {
	size_t length;
	void *value;
} gss_buffer_desc, *gss_buffer_t;

typedef struct gss_name_struct *gss_name_t;
typedef struct gss_ctx_id_struct *gss_ctx_id_t;
typedef struct gss_cred_id_struct *gss_cred_id_t;
typedef struct gss_channel_bindings_struct *gss_channel_bindings_t;

#define GSS_S_COMPLETE 0u
#define GSS_S_UNAVAILABLE (16u << 16)

/* The name type's true value (1.2.840.113554.1.2.1.4), for what compares it. */
static gss_OID_desc nt_hostbased_service = { 10, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04" };
extern gss_OID GSS_C_NT_HOSTBASED_SERVICE;
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &nt_hostbased_service;

static char unavailable[] = "Kerberos (GSS-API) is not linked into git-spec";

static void empty_buffer(gss_buffer_t buffer)
{
	if (buffer) {
		buffer->length = 0;
		buffer->value = NULL;
	}
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mech_set);
OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t input_name, gss_OID name_type,
	gss_name_t *output_name);
OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t cred, gss_ctx_id_t *context,
	gss_name_t target, gss_OID mech_type, OM_uint32 req_flags, OM_uint32 time_req,
	gss_channel_bindings_t bindings, gss_buffer_t input_token, gss_OID *actual_mech_type,
	gss_buffer_t output_token, OM_uint32 *ret_flags, OM_uint32 *time_rec);
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t output_token);
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int status_type, gss_OID mech_type,
	OM_uint32 *message_context, gss_buffer_t status_string);
OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer);
OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name);
OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set);

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mech_set)
{
	if (minor)
		*minor = 0;
	if (mech_set)
		*mech_set = NULL;
	return GSS_S_UNAVAILABLE;
}

OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t input_name, gss_OID name_type,
	gss_name_t *output_name)
{
	(void)input_name;
	(void)name_type;
	if (minor)
		*minor = 0;
	if (output_name)
		*output_name = NULL;
	return GSS_S_UNAVAILABLE;
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t cred, gss_ctx_id_t *context,
	gss_name_t target, gss_OID mech_type, OM_uint32 req_flags, OM_uint32 time_req,
	gss_channel_bindings_t bindings, gss_buffer_t input_token, gss_OID *actual_mech_type,
	gss_buffer_t output_token, OM_uint32 *ret_flags, OM_uint32 *time_rec)
{
	(void)cred;
	(void)context;
	(void)target;
	(void)mech_type;
	(void)req_flags;
	(void)time_req;
	(void)bindings;
	(void)input_token;
	if (minor)
		*minor = 0;
	if (actual_mech_type)
		*actual_mech_type = NULL;
	empty_buffer(output_token);
	if (ret_flags)
		*ret_flags = 0;
	if (time_rec)
		*time_rec = 0;
	return GSS_S_UNAVAILABLE;
}

/* No context was ever made: deleting one has nothing to do. */
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t output_token)
{
	if (minor)
		*minor = 0;
	if (context)
		*context = NULL;
	empty_buffer(output_token);
	return GSS_S_COMPLETE;
}

/*
 * The one message, whatever the status: it names the cause. The buffer
 * points to static storage; gss_release_buffer() below only empties it.
 */
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int status_type, gss_OID mech_type,
	OM_uint32 *message_context, gss_buffer_t status_string)
{
	(void)status;
	(void)status_type;
	(void)mech_type;
	if (minor)
		*minor = 0;
	if (message_context)
		*message_context = 0;
	if (status_string) {
		status_string->length = sizeof(unavailable) - 1;
		status_string->value = unavailable;
	}
	return GSS_S_COMPLETE;
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer)
{
	if (minor)
		*minor = 0;
	empty_buffer(buffer);
	return GSS_S_COMPLETE;
}

OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name)
{
	if (minor)
		*minor = 0;
	if (name)
		*name = NULL;
	return GSS_S_COMPLETE;
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set)
{
	if (minor)
		*minor = 0;
	if (set)
		*set = NULL;
	return GSS_S_COMPLETE;
}
