import { z } from "zod";

/**
 * `me.access` takes no input at all: the session names the user. Refusing any input (rather than
 * ignoring it) makes it plain that no parameter can point the read at someone else.
 */
export const meAccessInput = z.undefined({ error: "My access takes no input: it is always your own" });
