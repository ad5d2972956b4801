/* SVG baking with libxml2: a parse that refuses DTDs, entities and deep
 * nesting, and the <openbadges:credential|assertion> element. */
#include "badge/bake_internal.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/limits.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <stdint.h>
#include <string.h>

#define NS_SVG    "http://www.w3.org/2000/svg"
#define NS_OB3    "https://purl.imsglobal.org/ob/v3p0"
#define NS_OB2    "http://openbadges.org"
#define NS_PREFIX "openbadges"

/* Parser state reached from the SAX callbacks through ctxt->_private. */
typedef struct {
	int refused;
	startElementNsSAX2Func start_element;
} guard;

static void refuse(xmlParserCtxtPtr ctxt, const char *what)
{
	guard *g = ctxt->_private;

	if (!g->refused) {
		g->refused = 1;
		cw_error_set("SVG line %d:%d: %s", xmlSAX2GetLineNumber(ctxt),
		             xmlSAX2GetColumnNumber(ctxt), what);
	}
	xmlStopParser(ctxt);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *public_id,
                       const xmlChar *system_id)
{
	(void)name, (void)public_id, (void)system_id;
	refuse(ctx, "a DOCTYPE is refused (no DTDs or entities in badges)");
}

static void on_entity(void *ctx, const xmlChar *name, int type,
                      const xmlChar *public_id, const xmlChar *system_id,
                      xmlChar *content)
{
	(void)name, (void)type, (void)public_id, (void)system_id, (void)content;
	refuse(ctx, "an entity declaration is refused");
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces,
                     const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	guard *g = ctxt->_private;

	if (ctxt->nameNr >= (int)CW_LIMIT_BADGE_SVG_DEPTH) {
		refuse(ctxt, "elements nested over 128 deep");
		return;
	}
	g->start_element(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	                 nb_attributes, nb_defaulted, attributes);
}

/* libxml2 reports some errors (encodings) only through its generic handler;
 * they reach the caller through the context's last error instead. */
static void quiet(void *ctx, const char *message, ...)
{
	(void)ctx, (void)message;
}

static int parse_error(xmlParserCtxtPtr ctxt)
{
	xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
	const char *message = e && e->message ? e->message : "not well-formed";
	size_t n = strlen(message);

	while (n && (message[n - 1] == '\n' || message[n - 1] == ' '))
		n--;
	cw_error_set("SVG line %d:%d: %.*s", e ? e->line : 0, e ? e->int2 : 0,
	             (int)n, message);
	return CW_EINVAL;
}

/* The root element, which must be <svg> (SVG namespace or none). */
static int check_root(xmlNodePtr *out, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	if (!root || strcmp((const char *)root->name, "svg") != 0 ||
	    (root->ns && strcmp((const char *)root->ns->href, NS_SVG) != 0)) {
		cw_error_set("SVG line %ld: the root element is <%s>, not "
		             "<svg>",
		             root ? xmlGetLineNo(root) : 0L,
		             root ? (const char *)root->name : "");
		return CW_EINVAL;
	}
	*out = root;
	return 0;
}

/* Parses data without DTDs, entity substitution, network or XML_PARSE_HUGE. */
static int parse_svg(xmlDocPtr *doc, xmlNodePtr *root,
                     const unsigned char *data, size_t len)
{
	guard g = { 0, NULL };
	xmlParserCtxtPtr ctxt = NULL;
	int err = 0;

	*doc = NULL;
	if (len > (size_t)CW_LIMIT_BADGE_SVG) {
		cw_error_set("the SVG is over the 16 MiB cap");
		return CW_ETOOBIG;
	}
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
	ctxt = xmlCreateMemoryParserCtxt((const char *)data, (int)len);
	if (!ctxt)
		return CW_ENOMEM;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
	                                XML_PARSE_NOWARNING |
	                                XML_PARSE_BIG_LINES);
	ctxt->_private = &g;
	g.start_element = ctxt->sax->startElementNs;
	ctxt->sax->startElementNs = on_start;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = on_doctype;
	ctxt->sax->entityDecl = on_entity;
	(void)xmlParseDocument(ctxt);
	*doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (g.refused)
		err = CW_EINVAL;
	else if (!ctxt->wellFormed || !ctxt->nsWellFormed || !*doc)
		err = parse_error(ctxt);
	else
		err = check_root(root, *doc);
	xmlFreeParserCtxt(ctxt);
	if (err < 0) {
		xmlFreeDoc(*doc);
		*doc = NULL;
	}
	return err;
}

/* The first badge element among the children of <svg>, or NULL. */
static xmlNodePtr find_badge(xmlNodePtr root, cw_badge_version *version)
{
	for (xmlNodePtr n = root->children; n; n = n->next) {
		const char *href, *name = (const char *)n->name;

		if (n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href)
			continue;
		href = (const char *)n->ns->href;
		if (strcmp(href, NS_OB3) == 0 &&
		    strcmp(name, "credential") == 0)
			*version = CW_BADGE_OB3;
		else if (strcmp(href, NS_OB2) == 0 &&
		         strcmp(name, "assertion") == 0)
			*version = CW_BADGE_OB2;
		else
			continue;
		return n;
	}
	return NULL;
}

/* The CDATA sections of the element, else its text without surrounding
 * white space. */
static int element_body(cw_buf *body, xmlNodePtr element)
{
	int cdata = 0;
	size_t start = 0;

	for (xmlNodePtr n = element->children; n; n = n->next)
		cdata |= n->type == XML_CDATA_SECTION_NODE;
	for (xmlNodePtr n = element->children; n; n = n->next)
		if (n->content &&
		    n->type == (cdata ? XML_CDATA_SECTION_NODE : XML_TEXT_NODE))
			cw_buf_puts(body, (const char *)n->content);
	if (body->error || cdata)
		return body->error;
	while (body->len && strchr(" \t\r\n", body->data[body->len - 1]))
		body->len--;
	while (start < body->len && strchr(" \t\r\n", body->data[start]))
		start++;
	if (body->data) {
		memmove(body->data, body->data + start, body->len - start);
		body->len -= start;
		body->data[body->len] = '\0';
	}
	return 0;
}

/* The body, else the verify attribute (a JWS, or a 2.0 hosted URL). */
static int element_payload(badge_found *out, cw_buf *text, xmlNodePtr element)
{
	xmlChar *verify = NULL;
	int err;

	if ((err = element_body(text, element)) < 0)
		goto out;
	if (text->len == 0) {
		verify = xmlGetNoNsProp(element, (const xmlChar *)"verify");
		if (verify)
			cw_buf_puts(text, (const char *)verify);
		out->is_url = cw_badge_is_url(cw_buf_cstr(text), text->len);
	}
	if ((err = text->error) < 0)
		goto out;
	if (text->len == 0) {
		cw_error_set(
		        "SVG line %ld: <%s> has neither a body nor a verify "
		        "attribute",
		        xmlGetLineNo(element), (const char *)element->name);
		err = CW_EINVAL;
	}
out:
	xmlFree(verify);
	return err;
}

int cw_badge_svg_unbake(badge_found *out, const unsigned char *image,
                        size_t len)
{
	cw_buf text = CW_BUF_INIT((size_t)CW_LIMIT_BADGE_PAYLOAD);
	xmlDocPtr doc = NULL;
	xmlNodePtr root = NULL, element;
	int err;

	if ((err = parse_svg(&doc, &root, image, len)) < 0)
		goto out;
	element = find_badge(root, &out->version);
	if (!element) {
		cw_error_set("the SVG carries no <openbadges:credential> or "
		             "<openbadges:assertion>");
		err = CW_ENOTFOUND;
		goto out;
	}
	if ((err = element_payload(out, &text, element)) < 0)
		goto out;
	out->text = cw_buf_detach(&text, &out->len);
	if (!out->text)
		err = CW_ENOMEM;
out:
	if (err == CW_ETOOBIG && text.error)
		cw_error_set("the baked credential is over the 8 MiB cap");
	cw_buf_dispose(&text);
	xmlFreeDoc(doc);
	return err;
}

/* The namespace of version v on <svg>: declared there, or added as
 * xmlns:openbadges (rebinding that prefix from the other badge version). */
static int badge_namespace(xmlNsPtr *out, xmlNodePtr root, const char *href)
{
	for (xmlNsPtr ns = root->nsDef; ns; ns = ns->next) {
		if (!ns->prefix)
			continue;
		if (ns->href && strcmp((const char *)ns->href, href) == 0) {
			*out = ns;
			return 0;
		}
		if (strcmp((const char *)ns->prefix, NS_PREFIX) != 0)
			continue;
		if (!ns->href || (strcmp((const char *)ns->href, NS_OB3) &&
		                  strcmp((const char *)ns->href, NS_OB2))) {
			cw_error_set("SVG: the prefix openbadges is bound to "
			             "another namespace");
			return CW_EINVAL;
		}
		xmlFree((xmlChar *)(uintptr_t)ns->href);
		ns->href = xmlStrdup((const xmlChar *)href);
		*out = ns;
		return ns->href ? 0 : CW_ENOMEM;
	}
	*out = xmlNewNs(root, (const xmlChar *)href,
	                (const xmlChar *)NS_PREFIX);
	return *out ? 0 : CW_ENOMEM;
}

/* CDATA sections holding text; "]]>" is split across two of them. */
static int add_cdata(xmlNodePtr element, const char *text, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		xmlNodePtr cdata;

		if (i < len && !(i >= 2 && text[i] == '>' &&
		                 text[i - 1] == ']' && text[i - 2] == ']'))
			continue;
		cdata = xmlNewCDataBlock(element->doc,
		                         (const xmlChar *)text + start,
		                         (int)(i - start));
		if (!cdata || !xmlAddChild(element, cdata)) {
			xmlFreeNode(cdata);
			return CW_ENOMEM;
		}
		start = i;
	}
	return 0;
}

/* The badge element: a JSON body in CDATA (with the 2.0 hosted verify URL),
 * or a JWS in the verify attribute. */
static int new_badge(xmlNodePtr *out, xmlNodePtr root, cw_badge_version v,
                     const char *payload, size_t len, badge_payload_kind kind,
                     const char *verify_url)
{
	const char *href = v == CW_BADGE_OB3 ? NS_OB3 : NS_OB2;
	const char *name = v == CW_BADGE_OB3 ? "credential" : "assertion";
	char *jws = NULL;
	xmlNsPtr ns = NULL;
	int err;

	*out = NULL;
	if ((err = badge_namespace(&ns, root, href)) < 0)
		return err;
	*out = xmlNewDocNode(root->doc, ns, (const xmlChar *)name, NULL);
	if (!*out)
		return CW_ENOMEM;
	if (kind == BADGE_PAYLOAD_JSON) {
		err = add_cdata(*out, payload, len);
		if (err == 0 && verify_url &&
		    !xmlNewProp(*out, (const xmlChar *)"verify",
		                (const xmlChar *)verify_url))
			err = CW_ENOMEM;
	} else {
		jws = cw_strndup(payload, len);
		if (!jws || !xmlNewProp(*out, (const xmlChar *)"verify",
		                        (const xmlChar *)jws))
			err = CW_ENOMEM;
	}
	cw_free(jws);
	return err;
}

/* 1 when the document starts with an XML declaration (kept if so). */
static int has_declaration(const unsigned char *data, size_t len)
{
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		data += 3, len -= 3;
	return len >= 6 && memcmp(data, "<?xml", 5) == 0 &&
	       strchr(" \t\r\n", data[5]);
}

static int serialize(cw_buf *out, xmlDocPtr doc, int declaration)
{
	xmlBufferPtr xml = xmlBufferCreate();
	xmlSaveCtxtPtr save = NULL;
	int err = CW_ENOMEM;

	if (!xml)
		return CW_ENOMEM;
	save = xmlSaveToBuffer(xml, "UTF-8",
	                       declaration ? 0 : XML_SAVE_NO_DECL);
	if (!save)
		goto out;
	if (xmlSaveDoc(save, doc) < 0) {
		xmlSaveClose(save);
		goto out;
	}
	if (xmlSaveClose(save) < 0)
		goto out;
	err = cw_buf_put(out, xmlBufferContent(xml),
	                 (size_t)xmlBufferLength(xml));
	if (err == CW_ETOOBIG)
		cw_error_set("the baked SVG is over the output cap");
out:
	xmlBufferFree(xml);
	return err;
}

int cw_badge_svg_bake(cw_buf *out, const unsigned char *image, size_t len,
                      cw_badge_version v, const char *payload,
                      size_t payload_len, badge_payload_kind kind,
                      const char *verify_url)
{
	cw_badge_version found;
	xmlDocPtr doc = NULL;
	xmlNodePtr root = NULL, old, badge = NULL;
	int err;

	if ((err = parse_svg(&doc, &root, image, len)) < 0)
		goto out;
	/* an image carries one credential: every baked one is replaced */
	while ((old = find_badge(root, &found)) != NULL) {
		xmlUnlinkNode(old);
		xmlFreeNode(old);
	}
	if ((err = new_badge(&badge, root, v, payload, payload_len, kind,
	                     verify_url)) < 0)
		goto out;
	if (!(root->children ? xmlAddPrevSibling(root->children, badge)
	                     : xmlAddChild(root, badge))) {
		err = CW_ENOMEM;
		goto out;
	}
	badge = NULL;
	err = serialize(out, doc, has_declaration(image, len));
out:
	xmlFreeNode(badge);
	xmlFreeDoc(doc);
	return err;
}
