import { z } from "zod";

/**
 * What the console's sign-in form sends. Only presence and a sane length are checked here: a malformed
 * email simply matches no account, and the bound keeps a huge password from tying up argon2.
 */
export const signInInput = z.object({
	email: z.string().trim().min(1, "Enter your email address").max(320, "That email address is too long"),
	password: z.string().min(1, "Enter your password").max(1024, "That password is too long"),
});

export type SignInInput = z.infer<typeof signInInput>;
