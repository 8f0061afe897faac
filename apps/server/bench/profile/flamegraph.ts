import type { Frame } from "./cpuprofile.ts";

const WIDTH = 1200;
const ROW = 16;
const TOP = 24;
const CHAR_PX = 6.6;
/** Frames narrower than this are left out: they cannot be read, and they would bloat the file. */
const MIN_PX = 1;

function escapeXml(text: string): string {
	return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] ?? c);
}

/** Roster's code green, its dependencies warm by package, Node and V8 grey, so each origin reads at a glance. */
function colour(origin: string): string {
	if (origin.startsWith("roster:")) return "hsl(120 45% 62%)";
	if (origin.startsWith("(") || origin === "node") return "hsl(0 0% 72%)";
	let hash = 0;
	for (const c of origin) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
	return `hsl(${hash % 60} 75% ${58 + (hash % 14)}%)`;
}

/** Sibling frames with the same label become one, so a function reads as one box per caller. */
function merged(children: readonly Frame[]): Frame[] {
	const byName = new Map<string, Frame>();
	for (const child of children) {
		const seen = byName.get(child.name);
		if (!seen) byName.set(child.name, { ...child, children: [...child.children] });
		else {
			seen.self += child.self;
			seen.total += child.total;
			seen.children.push(...child.children);
		}
	}
	return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A flame graph of the busy samples (idle left out) as a standalone SVG: one box per frame, as wide as
 * the share of samples under it, callers below callees; hover shows the frame, its origin and share.
 */
export function flameGraphSvg(root: Frame, title: string): string {
	const busy = root.children.filter((child) => child.name !== "(idle)");
	const total = busy.reduce((sum, child) => sum + child.total, 0);
	const boxes: string[] = [];
	let depth = 0;
	const draw = (frames: readonly Frame[], x: number, level: number) => {
		let offset = x;
		for (const frame of merged(frames)) {
			const width = (frame.total / total) * WIDTH;
			if (width >= MIN_PX) {
				depth = Math.max(depth, level);
				const share = ((frame.total / total) * 100).toFixed(1);
				const text = frame.name.slice(0, Math.floor((width - 4) / CHAR_PX));
				boxes.push(
					`<g><title>${escapeXml(`${frame.name} (${frame.origin}): ${share} % of busy samples`)}</title>` +
						`<rect x="${offset.toFixed(1)}" y="{y${level}}" width="${width.toFixed(1)}" height="${ROW - 1}" fill="${colour(frame.origin)}"/>` +
						(text.length > 2
							? `<text x="${(offset + 2).toFixed(1)}" y="{t${level}}">${escapeXml(text)}</text>`
							: "") +
						"</g>",
				);
				draw(frame.children, offset, level + 1);
			}
			offset += width;
		}
	};
	draw(busy, 0, 0);
	const height = TOP + (depth + 1) * ROW + 4;
	const placed = boxes
		.join("\n")
		.replace(/\{y(\d+)\}/g, (_, level) => String(height - 4 - (Number(level) + 1) * ROW))
		.replace(/\{t(\d+)\}/g, (_, level) => String(height - 4 - Number(level) * ROW - 4));
	return [
		`<svg role="img" aria-label="${escapeXml(`CPU flame graph: ${title}`)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="monospace" font-size="11">`,
		`<text x="4" y="16" font-size="13">${escapeXml(title)}</text>`,
		placed,
		"</svg>",
		"",
	].join("\n");
}
