/* JSON-LD contexts an operator supplies as files (the CLR 2.0 context is in
 * no npm package), each pinned by its SHA-256 in the config. */
#ifndef CW_ENGINE_CONTEXTS_DIR_H
#define CW_ENGINE_CONTEXTS_DIR_H

#include "jsonld/loader.h"

/**
 * Adds to l the contexts that pins names, read from files in dir.
 *
 * pins (config key jsonld_context_pins) is a comma-separated list of
 * entries `URL=SHA256HEX FILE`: the context's URL, the SHA-256 of the file
 * as 64 hex digits, white space, and the file's name in dir (a plain name:
 * no '/', not "." or ".."). One entry per URL. Example:
 *
 *   https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json=1f0e…9a
 *   clr-2.0.1.json, https://example.org/ctx/v1=0b3c…77 example-v1.jsonld
 *
 * Files of dir that no entry names are not read. Every file is checked
 * before any document is added, so l is unchanged on error.
 * @return 0 (also when pins is NULL or blank); CW_EINVAL for a malformed
 * list, a duplicate URL, a file whose SHA-256 differs from its pin (the
 * message names the file and both hashes) or that is not JSON;
 * CW_ENOTFOUND / CW_EIO / CW_ETOOBIG (over 1 MiB) from reading a file.
 */
int cw_jsonld_loader_add_dir(cw_jsonld_loader *l, const char *dir,
                             const char *pins);

#endif
