/** "1,204 users", or "more than 10,000 users" when the server stopped counting (an estimate, said so). */
export function totalText(total: { count: number; exact: boolean }, noun: string): string {
	const count = total.count.toLocaleString();
	return total.exact ? `${count} ${noun}` : `more than ${count} ${noun}`;
}
