/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctr-image: the image side of ctr (ctr runs it for `ctr images`, `ctr
 * pull`, `ctr build`, ...).  It is an engine above the runtime, as Podman
 * is above crun: it keeps images in a store, makes a bundle from one and
 * runs the runtime (ctr) on it.  A program of its own so that the runtime
 * stays one static binary without libcurl's forty libraries to load.
 *
 * The store (--store, default /var/lib/lvmm/ctr):
 *   oci/                  an OCI image layout: skopeo and umoci read it as
 *                         oci:STORE/oci:NAME (index.json: one manifest per
 *                         name, annotation org.opencontainers.image.ref.name)
 *   oci/blobs/sha256/HEX  every manifest, config and layer, content-addressed
 *   layers/HEX/           each layer unpacked once (HEX: its diff_id), shared
 *                         by every image and container that has it; overlayfs
 *                         whiteouts in place of OCI's .wh. files
 *   containers/ID/        a container made from an image: container.json,
 *                         its bundle (config.json) and its overlay (upper/,
 *                         work/, rootfs/)
 *   tmp/                  blobs and layers being written (renamed when whole)
 *   lock                  flock: one writer at a time
 */
#ifndef CTR_IMAGE_H
#define CTR_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#define IMG_DIGEST_LEN		72	/* "sha256:" + 64 hex + NUL, rounded up */
#define IMG_MAX_MANIFEST	(4 << 20)	/* manifests, indexes, configs: bigger is refused */

#define MT_OCI_MANIFEST		"application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX		"application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG		"application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER		"application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP	"application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD	"application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST	"application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST		"application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG	"application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER		"application/vnd.docker.image.rootfs.diff.tar.gzip"
#define REF_NAME_ANNOTATION	"org.opencontainers.image.ref.name"

/* messages: "ctr: ..." on stderr; img_err returns -1 for `return img_err(...)` */
int img_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void img_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* rm -rf, without following symlinks or crossing mounts */
int img_rmtree(const char *path);

/* ---- digest.c: sha256 ---- */
struct img_hash;
struct img_hash *img_hash_new(void);
void img_hash_update(struct img_hash *h, const void *data, size_t len);
/* "sha256:HEX" into @out; frees @h. */
void img_hash_final(struct img_hash *h, char out[IMG_DIGEST_LEN]);
void img_digest_buf(const void *data, size_t len, char out[IMG_DIGEST_LEN]);
/* "sha256:" and 64 lowercase hex digits, nothing else (it becomes a path). */
bool img_digest_valid(const char *digest);
/* The hex part of a valid digest. */
const char *img_digest_hex(const char *digest);

/* ---- store.c ---- */
struct store {
	char root[2048];
	int lock_fd;		/* -1 until store_lock() */
	/* what this process put in the store (hex digests), for store_drop_added() */
	char **added_blobs, **added_layers;
	size_t n_added_blobs, n_added_layers;
};

/* Opens (and on first use creates) the store at @root. */
int store_open(struct store *s, const char *root);
/* Exclusive lock for the rest of the process: every verb that writes takes it. */
int store_lock(struct store *s);
void store_unlock(struct store *s);
/* "ROOT/SUB" */
void store_path(const struct store *s, char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A fresh directory under tmp/ (removed by the caller, or by the next prune). */
int store_tmpdir(struct store *s, char *out, size_t len);

void blob_path(const struct store *s, const char *digest, char *out, size_t len);
bool blob_exists(const struct store *s, const char *digest);

/*
 * Writing a blob: written to tmp/, hashed as it goes, and renamed into
 * blobs/ only when whole and (if @expect is set) its digest matches.
 */
struct blob_writer {
	struct store *s;
	int fd;
	char tmp[2100];
	struct img_hash *hash;
	uint64_t size;
};
int blob_writer_open(struct store *s, struct blob_writer *w);
int blob_writer_write(struct blob_writer *w, const void *data, size_t len);
/* @expect NULL: any digest; on mismatch the blob is dropped and an error printed. */
int blob_writer_commit(struct blob_writer *w, const char *expect, char digest[IMG_DIGEST_LEN]);
void blob_writer_abort(struct blob_writer *w);
int blob_put(struct store *s, const void *data, size_t len, const char *expect,
	     char digest[IMG_DIGEST_LEN]);
/* A copy of the file @fd (read to its end) as a blob. */
int blob_put_fd(struct store *s, int fd, const char *expect, char digest[IMG_DIGEST_LEN],
		uint64_t *size);
/* The whole blob (at most @max bytes: bigger is an error), digest checked. */
int blob_read(const struct store *s, const char *digest, size_t max, char **data, size_t *len);
/* A JSON blob (manifest, config), at most IMG_MAX_MANIFEST. */
int blob_read_json(const struct store *s, const char *digest, json_object **out);

/* ---- refs.c: names and index.json ---- */
/*
 * Names as users write them: [REGISTRY/]REPO[:TAG][@DIGEST].  A name
 * without a tag gets ":latest"; nothing is prefixed (ctr has no default
 * registry: push and pull name theirs).
 */
int ref_normalize(const char *in, char *out, size_t len);
/* Split "host[:port]/repo:tag" (a first component with '.' ':' or "localhost" is a host). */
int ref_split(const char *name, char *host, size_t hlen, char *repo, size_t rlen, char *tag,
	      size_t tlen);

struct image {
	char name[512];			/* the name it was found by ("" by digest or id) */
	char digest[IMG_DIGEST_LEN];	/* its manifest's */
	char config_digest[IMG_DIGEST_LEN];	/* its id, as Podman's and Docker's */
	json_object *manifest, *config;
};
/*
 * An image by name (tag added), by its id or manifest digest, or by a
 * prefix of at least 4 hex digits of its id; "not found" is printed.
 */
int image_find(const struct store *s, const char *ref, struct image *img);
int __image_find(const struct store *s, const char *ref, struct image *img);	/* silent: -ENOENT */
int image_load(const struct store *s, const char *manifest_digest, struct image *img);
void image_free(struct image *img);

/* index.json: the store's names.  Callers hold store_lock(). */
json_object *index_read(const struct store *s);
int index_write(const struct store *s, json_object *index);
/* Points @name at @manifest_digest (moving it from another image). */
int index_tag(struct store *s, const char *name, const char *manifest_digest, uint64_t size);
int index_untag(struct store *s, const char *name);
/*
 * @fn on each entry of index.json in turn, with its manifest digest ("" if
 * it has none) and its name (NULL: unnamed), until @fn returns nonzero:
 * that value, or 0.
 */
typedef int index_fn(const char *digest, const char *name, void *arg);
int index_for_each(const struct store *s, index_fn *fn, void *arg);
/* Drops each entry @fn returns nonzero for; writes index.json if any went: how many, or -1. */
int index_remove_if(struct store *s, index_fn *fn, void *arg);
/* Every manifest digest index.json holds, named or not, in @out (NULL-terminated). */
int index_manifests(const struct store *s, char ***out);
/* The names of @digest (NULL-terminated, malloc'ed). */
char **index_names(const struct store *s, const char *digest);

/* NULL-terminated vectors of malloc'ed strings: empty, a copy of @str appended (@n: its length), a member? */
char **img_strv_new(void);
int img_strv_add(char ***v, size_t *n, const char *str);
bool img_strv_has(char *const *v, const char *str);
void img_strv_free(char **v);

/*
 * Writes @config (a complete image config: rootfs.diff_ids and history
 * included) and a manifest of @layers (an array of descriptors) and names
 * it @name (NULL: unnamed).  The new image in @out (may be NULL).
 */
int image_write(struct store *s, json_object *config, json_object *layers, const char *name,
		struct image *out);

/* ---- layer.c: unpacking ---- */
/*
 * Unpacks layer blob @digest (tar, gzip or zstd) into layers/HEX(@diff_id)
 * unless it is there: in a child chrooted into the new directory, with
 * paths that leave it, device nodes and whiteouts of ".." refused; OCI
 * whiteouts become overlayfs ones.  Atomic: a directory that exists is whole.
 */
int layer_unpack(struct store *s, const char *digest, const char *diff_id,
		 char found[IMG_DIGEST_LEN]);	/* diff_id NULL: whatever it is, in @found */
/*
 * The current entry's data from archive @in to @out: ARCHIVE_OK, or a
 * failure (ARCHIVE_FAILED for any failed write: a full disk fails the
 * entry), with in *@failed (may be NULL) the archive that says why.
 */
struct archive;
int layer_copy_data(struct archive *in, struct archive *out, struct archive **failed);
/* libarchive's message for @a, with the errno behind it ("Write failed: No space left on device") */
const char *layer_why(struct archive *a, char *buf, size_t len);
/* Every layer of @img unpacked. */
int image_unpack(struct store *s, const struct image *img);
void layer_dir(const struct store *s, const char *diff_id, char *out, size_t len);
/* overlayfs lowerdir= for @img: its top layer first. */
int image_lowerdir(const struct store *s, const struct image *img, char *out, size_t len);

/* ---- diff.c: a directory as a layer ---- */
/*
 * Packs @dir as a gzip'ed tar layer blob.  @upper: @dir is an overlayfs
 * upper directory, whose whiteouts (0/0 character devices, opaque
 * directories) become OCI whiteouts.  The layer's descriptor (and its
 * diff_id) in @desc / @diff_id; the unpacked copy is kept as well.
 */
int layer_from_dir(struct store *s, const char *dir, bool upper, json_object **desc,
		   char diff_id[IMG_DIGEST_LEN]);

/* ---- config.c: image configs ---- */
/* A new config: os, architecture, empty rootfs, created now. */
json_object *config_new(void);
/* Appends a layer's diff_id (NULL: an empty history entry) and a history entry. */
void config_add_layer(json_object *config, const char *diff_id, const char *created_by,
		      bool empty_layer);
/* A history entry: created now, by @created_by (an empty layer's: empty_layer set). */
json_object *config_history_entry(const char *created_by, bool empty_layer);
/*
 * Appends history entry @entry (the reference is taken) and, unless NULL,
 * @diff_id to rootfs.diff_ids; config.created becomes the entry's.
 */
void config_append(json_object *config, json_object *entry, const char *diff_id);
/* config.config, created if absent. */
json_object *config_runtime(json_object *config);
/* RFC 3339 in UTC, now. */
void img_now(char *buf, size_t len);

/* ---- container.c: containers from images ---- */
struct run_opts {
	const char *image, *name, *entrypoint, *workdir, *user;
	char **cmd;			/* after the image: replaces Cmd */
	char **env;			/* -e K=V (NULL-terminated) */
	char **volumes;			/* -v HOST:CTR[:ro] */
	const char *memory, *cpus, *pids_limit;
	bool rm, detach, tty, interactive, host_network;
};
int container_run(struct store *s, const struct run_opts *o, int *exit_status);
/* Removes a container made by container_run (its overlay, bundle, runtime state). */
int container_remove(struct store *s, const char *name, bool force);
/* The upper directory of container @name, and the image it was made from. */
int container_upper(const struct store *s, const char *name, char *upper, size_t len,
		    char image_digest[IMG_DIGEST_LEN]);

/*
 * The base of container_run and of build's RUN: runs @argv (NULL: the
 * image config's Entrypoint + Cmd) in a container whose root is an
 * overlay of @lowerdir (image_lowerdir(); read-only) under @upper (a
 * directory that keeps the changes; work/ beside it is made), with
 * @runtime_cfg (an image config's "config": Env, WorkingDir, User) and
 * @o's overrides (NULL: none).  Foreground, stdio inherited; the
 * runtime's state and the mount are gone when it returns.  The exit
 * status of the process in *@exit_status.
 */
int rootfs_exec(struct store *s, const char *lowerdir, const char *upper,
		json_object *runtime_cfg, char **argv, const struct run_opts *o, int *exit_status);

/* spec.c: BUNDLE/config.json for an image (@rc: its config's "config") */
int spec_from_image(const char *bundle, json_object *rc, char **argv, const struct run_opts *o,
		    int root_fd);

/* The runtime (ctr) beside this program, or on PATH. */
const char *img_runtime(void);
/* Runs @argv, waits; its exit status (128+N for signal N), -1 if it did not start. */
int img_spawn(char *const argv[], const char *dir);

/* ---- verbs (one per file where they grow) ---- */
int images__list(struct store *s, int argc, char **argv);
int image__inspect(struct store *s, int argc, char **argv);
int image__tag(struct store *s, int argc, char **argv);
int image__remove(struct store *s, int argc, char **argv);
int images__prune(struct store *s, int argc, char **argv);
int image__history(struct store *s, int argc, char **argv);
int image__import(struct store *s, int argc, char **argv);
int image__save(struct store *s, int argc, char **argv);
int image__load(struct store *s, int argc, char **argv);
int image__build(struct store *s, int argc, char **argv);
int image__pull(struct store *s, int argc, char **argv);
int image__push(struct store *s, int argc, char **argv);
int registry__login(struct store *s, int argc, char **argv);
int registry__logout(struct store *s, int argc, char **argv);
int container__run_image(struct store *s, int argc, char **argv);
int container__commit(struct store *s, int argc, char **argv);
int containers__list_images(struct store *s, int argc, char **argv);
int container__rm(struct store *s, int argc, char **argv);



/* main.c */
extern const char *img_state_root, *img_store_root;
int img_verb_usage(FILE *f);
/* images.c */
/*
 * A verb's flags and operands when it has no flag but --help and
 * (@flag non-NULL) --@flag / -@flag[0], which sets *@set: true with
 * min..max operands (max -1: no limit) from optind on; false after --help
 * or a usage error, with the exit status in *@status.
 */
bool img_args(int argc, char **argv, const char *flag, bool *set, int min, int max, int *status);
uint64_t image_size(const struct image *img);
/* @j on stdout as ls and inspect print JSON: indented, slashes as they are */
void img_print_json(json_object *j);
void img_human_size(uint64_t n, char *buf, size_t len);
/* prune.c */
int store_gc(struct store *s, int *blobs_removed, int *layers_removed);
/*
 * After a verb failed: the blobs and layers this process added that no
 * image or container needs go again (a failed import or load on a full
 * disk gives its space back; pull keeps its blobs for the next try).
 */
void store_drop_added(struct store *s);
char **containers_images(const struct store *s);
/* import.c */
const char *layer_media_type(const struct store *s, const char *digest);
/* registry */
/* ---- registry.c (regauth.c, regtls.c): the distribution API (v2) over libcurl ---- */
struct reg_opts {
	bool tls_verify;	/* false: plain http allowed, https unverified */
	bool quiet;
	const char *cert_dir;	/* CA certificates: the .crt files in DIR */
	const char *authfile;
	const char *user, *pass;	/* login's: instead of the auth file's */
};
/* The flags pull, push and login share, for their getopt_long tables. */
#define REG_LONG_OPTS \
	{ "tls-verify", required_argument, NULL, 'T' }, \
	{ "cert-dir", required_argument, NULL, 'C' }, \
	{ "authfile", required_argument, NULL, 'A' }
/* Takes one of REG_LONG_OPTS: 0; not one: 1; a bad value: -1 (printed). */
int reg_opt(struct reg_opts *o, int c, const char *arg);

struct reg;
/* Reaches @host (GET /v2/: https, or http where allowed), and learns how it authenticates. */
struct reg *reg_open(const char *host, const struct reg_opts *o);
void reg_close(struct reg *r);
const char *reg_host(const struct reg *r);
/* The host to connect to for a name's registry (docker.io is registry-1.docker.io). */
const char *reg_endpoint(const char *host);

struct reg_req {
	const char *method;	/* NULL: GET */
	const char *url;	/* "/v2/..." or absolute (an upload's Location) */
	const char *scope;	/* the token's: "repository:REPO:pull[,push]" (space-separated list) */
	const char *accept, *content_type, *content_range;
	/* the body sent: @body, or @len bytes of @fd from @off (@fd >= 0) */
	const void *body;
	size_t body_len;
	int fd;
	uint64_t off, len;
	/* the body received: into @blob (at most @blob_max bytes), else kept up to @max */
	struct blob_writer *blob;
	uint64_t blob_max;
	size_t max;
	const char *progress;	/* a label: progress on a terminal's stderr */
	uint64_t progress_total;
};
struct reg_resp {
	long status;
	char *body;		/* NUL-terminated; error bodies too */
	size_t len;
	bool too_big;		/* the body passed @max or @blob_max: stopped */
	char location[4096], digest[IMG_DIGEST_LEN], content_type[256], challenge[1024];
};
/* One request, its authentication done (and redone on 401); -1: no answer (printed). */
int reg_do(struct reg *r, const struct reg_req *q, struct reg_resp *resp);
void reg_resp_free(struct reg_resp *resp);
/* "registry H answered N to WHAT (the registry's message): the fix"; -1 */
int reg_fail(const struct reg *r, const struct reg_resp *resp, const char *what);
/* GET /v2/ authenticated: 0 when the registry accepts the credentials. */
int reg_check_login(struct reg *r);
/* "/v2/REPO/..." paths; @repo and @ref as in the name */
void reg_path(char *out, size_t len, const char *repo, const char *kind, const char *ref);

/* ---- auth.c: credentials, in auth.json as Podman and skopeo keep them ---- */
/* login's file: @authfile, $REGISTRY_AUTH_FILE, /run/containers/0/auth.json (root) or $XDG_RUNTIME_DIR/containers/auth.json */
void auth_file(const char *authfile, char *out, size_t len);
/* @host's user and password (malloc'ed): that file, then ~/.docker/config.json; -ENOENT: none */
int auth_get(const char *authfile, const char *host, char **user, char **pass);
int auth_set(const char *authfile, const char *host, const char *user, const char *pass);
int auth_remove(const char *authfile, const char *host);	/* -ENOENT: no entry */

/* ---- sources.c: which repositories a blob came from or went to (STORE/sources.json) ---- */
/* Records "host/repo" for @digest.  Callers hold store_lock(). */
void sources_add(struct store *s, const char *digest, const char *host, const char *repo);
/* The repositories on @host known to have @digest (NULL-terminated, malloc'ed). */
char **sources_repos(const struct store *s, const char *digest, const char *host);

/* build, save, load */
#include <sys/stat.h>
/* ---- containerfile.c: Containerfiles parsed ---- */
struct cf_insn {
	int line;		/* where it starts */
	char cmd[16];		/* the instruction, upper case */
	char *args;		/* the rest, continued lines joined */
};
struct containerfile {
	char name[256];		/* as messages name it */
	struct cf_insn *v;
	size_t n;
};
int containerfile_read(const char *path, const char *name, struct containerfile *cf);
void containerfile_free(struct containerfile *cf);
/*
 * Docker's words: quotes removed, backslash escapes, and (@expand_vars)
 * $VAR ${VAR} ${VAR:-word} ${VAR:+word} from @env (K=V, the last wins);
 * a syntax error in *@why.
 */
int cf_words(const char *s, char *const *env, bool expand_vars, char ***out, const char **why);
char *cf_expand(const char *s, char *const *env, const char **why);
const char *cf_getenv(char *const *env, const char *name, size_t len);
/* The exec form: a JSON array of strings, or NULL (the shell form). */
char **cf_json(const char *s);
size_t cf_strv_len(char *const *v);

/* ---- buildignore.c, buildcopy.c: COPY and ADD's files ---- */
struct build_ignore;
/* The context's .containerignore (or .dockerignore): patterns, ! exceptions, ** */
struct build_ignore *build_ignore_load(const char *ctx);
void build_ignore_free(struct build_ignore *ig);
bool build_ignored(const struct build_ignore *ig, const char *rel);
/* Has @path a ".." component? */
bool build_has_dotdot(const char *path);
/* "a/./b/../c/" is "a/c"; -1 above the top */
int build_clean_path(const char *in, char *out, size_t len);
struct copy_item {
	char *src, *dst;	/* a path on the host; one in the image, without the leading / */
	struct stat st;
	bool unpack;		/* ADD of a tar archive: unpacked into dst */
};
struct copy_list {
	struct copy_item *v;
	size_t n;
};
int copy_collect(const char *root, const struct build_ignore *ig, char *const *srcs,
		 const char *dest, bool dest_dir, bool add, struct copy_list *l, char *why,
		 size_t whylen);
void copy_list_free(struct copy_list *l);
/* Names, modes and contents, the cache key's part */
int copy_digest(const struct copy_list *l, char out[IMG_DIGEST_LEN]);
/* The files into @upper; parents as the stage's @view has them. */
int copy_apply(const struct copy_list *l, const char *upper, const char *view, bool chown_set,
	       unsigned uid, unsigned gid, char *why, size_t whylen);
#endif /* CTR_IMAGE_H */
