/*
 * libssh2 functions that refuse, for the static link (docs/adr/0022).
 *
 * libgit2 uses libssh2 for its SSH transport (ssh:// and scp-like URLs),
 * which git-spec never opens: its programs read the work tree, the index
 * and the object database (see src/no-tls-certs.c). Linked from its
 * archive, libssh2 brings its OpenSSL backend and, through it, most of
 * libcrypto (ciphers, key types, OpenSSL 3's providers): 3 MiB of code
 * and 330 KiB of pointer tables that the dynamic linker relocates at every
 * start, about 80 of the hook's 170 page faults and 60% of its start-up
 * instructions. git-spec itself needs only SHA-1 from libcrypto
 * (include/gitspec/sha1.h).
 *
 * These take libssh2's place in the programs, unit tests and fuzz targets
 * of a static build (a shared build loads the real library through
 * libgit2.so). Creating a session fails, so any SSH fetch or push would
 * stop at once with libgit2's "failed to initialize SSH session"; the
 * other functions, never reached without a session, refuse too. The
 * prototypes are libssh2's own (<libssh2.h>, from libssh2-1-dev, which
 * libgit2-dev depends on), so that a change of signature fails the build.
 */

#include <stddef.h>
#include <libssh2.h>

/* What every function that can fail answers: there is no session. */
#define REFUSED LIBSSH2_ERROR_BAD_USE

static char refused_message[] = "SSH is not linked into git-spec";

/*
 * git_libgit2_init() calls it and fails unless it succeeds; there is
 * nothing to initialise. (In the shared link src/no-tls-certs.c replaces
 * the real one for its cost.)
 */
int libssh2_init(int flags)
{
	(void)flags;
	return 0;
}

void libssh2_exit(void)
{
}

/* The refusal: without a session nothing else can be reached. */
LIBSSH2_SESSION *libssh2_session_init_ex(LIBSSH2_ALLOC_FUNC((*my_alloc)),
	LIBSSH2_FREE_FUNC((*my_free)), LIBSSH2_REALLOC_FUNC((*my_realloc)), void *abstract)
{
	(void)my_alloc;
	(void)my_free;
	(void)my_realloc;
	(void)abstract;
	return NULL;
}

void **libssh2_session_abstract(LIBSSH2_SESSION *session)
{
	(void)session;
	return NULL;
}

int libssh2_session_handshake(LIBSSH2_SESSION *session, libssh2_socket_t sock)
{
	(void)session;
	(void)sock;
	return REFUSED;
}

int libssh2_session_method_pref(LIBSSH2_SESSION *session, int method_type, const char *prefs)
{
	(void)session;
	(void)method_type;
	(void)prefs;
	return REFUSED;
}

void libssh2_session_set_blocking(LIBSSH2_SESSION *session, int blocking)
{
	(void)session;
	(void)blocking;
}

const char *libssh2_session_hostkey(LIBSSH2_SESSION *session, size_t *len, int *type)
{
	(void)session;
	if (len)
		*len = 0;
	if (type)
		*type = LIBSSH2_HOSTKEY_TYPE_UNKNOWN;
	return NULL;
}

/* A buffer of its own (want_buf) would need the session's allocator: none. */
int libssh2_session_last_error(LIBSSH2_SESSION *session, char **errmsg, int *errmsg_len, int want_buf)
{
	(void)session;
	if (errmsg)
		*errmsg = want_buf ? NULL : refused_message;
	if (errmsg_len)
		*errmsg_len = want_buf ? 0 : (int)(sizeof(refused_message) - 1);
	return REFUSED;
}

int libssh2_session_disconnect_ex(LIBSSH2_SESSION *session, int reason, const char *description,
	const char *lang)
{
	(void)session;
	(void)reason;
	(void)description;
	(void)lang;
	return REFUSED;
}

int libssh2_session_free(LIBSSH2_SESSION *session)
{
	(void)session;
	return 0;
}

const char *libssh2_hostkey_hash(LIBSSH2_SESSION *session, int hash_type)
{
	(void)session;
	(void)hash_type;
	return NULL;
}

LIBSSH2_KNOWNHOSTS *libssh2_knownhost_init(LIBSSH2_SESSION *session)
{
	(void)session;
	return NULL;
}

int libssh2_knownhost_readfile(LIBSSH2_KNOWNHOSTS *hosts, const char *filename, int type)
{
	(void)hosts;
	(void)filename;
	(void)type;
	return REFUSED;
}

int libssh2_knownhost_checkp(LIBSSH2_KNOWNHOSTS *hosts, const char *host, int port, const char *key,
	size_t keylen, int typemask, struct libssh2_knownhost **knownhost)
{
	(void)hosts;
	(void)host;
	(void)port;
	(void)key;
	(void)keylen;
	(void)typemask;
	if (knownhost)
		*knownhost = NULL;
	return LIBSSH2_KNOWNHOST_CHECK_FAILURE;
}

void libssh2_knownhost_free(LIBSSH2_KNOWNHOSTS *hosts)
{
	(void)hosts;
}

char *libssh2_userauth_list(LIBSSH2_SESSION *session, const char *username, unsigned int username_len)
{
	(void)session;
	(void)username;
	(void)username_len;
	return NULL;
}

int libssh2_userauth_authenticated(LIBSSH2_SESSION *session)
{
	(void)session;
	return 0;
}

int libssh2_userauth_password_ex(LIBSSH2_SESSION *session, const char *username,
	unsigned int username_len, const char *password, unsigned int password_len,
	LIBSSH2_PASSWD_CHANGEREQ_FUNC((*passwd_change_cb)))
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)password;
	(void)password_len;
	(void)passwd_change_cb;
	return REFUSED;
}

int libssh2_userauth_publickey_fromfile_ex(LIBSSH2_SESSION *session, const char *username,
	unsigned int username_len, const char *publickey, const char *privatekey, const char *passphrase)
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)publickey;
	(void)privatekey;
	(void)passphrase;
	return REFUSED;
}

int libssh2_userauth_publickey_frommemory(LIBSSH2_SESSION *session, const char *username,
	size_t username_len, const char *publickeyfiledata, size_t publickeyfiledata_len,
	const char *privatekeyfiledata, size_t privatekeyfiledata_len, const char *passphrase)
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)publickeyfiledata;
	(void)publickeyfiledata_len;
	(void)privatekeyfiledata;
	(void)privatekeyfiledata_len;
	(void)passphrase;
	return REFUSED;
}

int libssh2_userauth_publickey(LIBSSH2_SESSION *session, const char *username,
	const unsigned char *pubkeydata, size_t pubkeydata_len,
	LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC((*sign_callback)), void **abstract)
{
	(void)session;
	(void)username;
	(void)pubkeydata;
	(void)pubkeydata_len;
	(void)sign_callback;
	(void)abstract;
	return REFUSED;
}

int libssh2_userauth_keyboard_interactive_ex(LIBSSH2_SESSION *session, const char *username,
	unsigned int username_len, LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC((*response_callback)))
{
	(void)session;
	(void)username;
	(void)username_len;
	(void)response_callback;
	return REFUSED;
}

LIBSSH2_AGENT *libssh2_agent_init(LIBSSH2_SESSION *session)
{
	(void)session;
	return NULL;
}

int libssh2_agent_connect(LIBSSH2_AGENT *agent)
{
	(void)agent;
	return REFUSED;
}

int libssh2_agent_list_identities(LIBSSH2_AGENT *agent)
{
	(void)agent;
	return REFUSED;
}

int libssh2_agent_get_identity(LIBSSH2_AGENT *agent, struct libssh2_agent_publickey **store,
	struct libssh2_agent_publickey *prev)
{
	(void)agent;
	(void)prev;
	if (store)
		*store = NULL;
	return REFUSED;
}

int libssh2_agent_userauth(LIBSSH2_AGENT *agent, const char *username,
	struct libssh2_agent_publickey *identity)
{
	(void)agent;
	(void)username;
	(void)identity;
	return REFUSED;
}

int libssh2_agent_disconnect(LIBSSH2_AGENT *agent)
{
	(void)agent;
	return REFUSED;
}

void libssh2_agent_free(LIBSSH2_AGENT *agent)
{
	(void)agent;
}

LIBSSH2_CHANNEL *libssh2_channel_open_ex(LIBSSH2_SESSION *session, const char *channel_type,
	unsigned int channel_type_len, unsigned int window_size, unsigned int packet_size,
	const char *message, unsigned int message_len)
{
	(void)session;
	(void)channel_type;
	(void)channel_type_len;
	(void)window_size;
	(void)packet_size;
	(void)message;
	(void)message_len;
	return NULL;
}

int libssh2_channel_process_startup(LIBSSH2_CHANNEL *channel, const char *request,
	unsigned int request_len, const char *message, unsigned int message_len)
{
	(void)channel;
	(void)request;
	(void)request_len;
	(void)message;
	(void)message_len;
	return REFUSED;
}

void libssh2_channel_set_blocking(LIBSSH2_CHANNEL *channel, int blocking)
{
	(void)channel;
	(void)blocking;
}

ssize_t libssh2_channel_read_ex(LIBSSH2_CHANNEL *channel, int stream_id, char *buf, size_t buflen)
{
	(void)channel;
	(void)stream_id;
	(void)buf;
	(void)buflen;
	return REFUSED;
}

ssize_t libssh2_channel_write_ex(LIBSSH2_CHANNEL *channel, int stream_id, const char *buf, size_t buflen)
{
	(void)channel;
	(void)stream_id;
	(void)buf;
	(void)buflen;
	return REFUSED;
}

int libssh2_channel_close(LIBSSH2_CHANNEL *channel)
{
	(void)channel;
	return REFUSED;
}

int libssh2_channel_free(LIBSSH2_CHANNEL *channel)
{
	(void)channel;
	return 0;
}
