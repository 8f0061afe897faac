import { z } from "zod";

/** Largest console list page; every directory list is bounded by it. */
export const MAX_PAGE_SIZE = 200;

/** A record id as the console sends it; an id of the wrong shape is answered like an unknown one (NOT_FOUND). */
export const recordId = z.string().trim().min(1).max(100);

/** The opaque keyset cursor a list answered with, sent back for the next page. */
export const pageCursor = z.string().max(2000).optional();

export const sortDirection = z.enum(["asc", "desc"]).default("asc");

/** The search box: plain text matched as a substring, or a SCIM filter expression the server parses. */
export const searchMode = z.enum(["text", "scim"]).default("text");
