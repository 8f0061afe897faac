import { readFileSync } from "node:fs";

/** A V8 `.cpuprofile` (what `node --cpu-prof` writes): a call tree plus the node sampled at each tick. */
interface CpuProfile {
	nodes: {
		id: number;
		callFrame: { functionName: string; url: string; lineNumber: number };
		children?: number[];
	}[];
	samples: number[];
	timeDeltas: number[];
}

/** One call-tree node: its frame's label and how many samples landed in it (self) and under it (total). */
export interface Frame {
	name: string;
	/** Where the frame's code comes from: a package, Roster's own module, or a V8 pseudo-frame. */
	origin: string;
	self: number;
	total: number;
	children: Frame[];
}

const PSEUDO_FRAMES = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** `…/node_modules/.pnpm/x@1/node_modules/@scope/pkg/…` → `@scope/pkg`; Roster's sources → `roster:<dir>`. */
export function originOf(url: string, functionName: string): string {
	if (PSEUDO_FRAMES.has(functionName)) return functionName;
	if (url === "") return "(native)";
	const modules = url.lastIndexOf("/node_modules/");
	if (modules !== -1) {
		const [first, second] = url.slice(modules + "/node_modules/".length).split("/");
		return first?.startsWith("@") ? `${first}/${second}` : (first ?? url);
	}
	if (url.startsWith("node:")) return "node";
	const roster = /\/(apps\/[^/]+|packages\/[^/]+)\/(?:src|dist)\/(?:([^/]+)\/)?/.exec(url);
	if (roster) return `roster:${roster[1]}${roster[2] && !roster[2].includes(".") ? `/${roster[2]}` : ""}`;
	return url;
}

function label(frame: CpuProfile["nodes"][number]["callFrame"]): string {
	const name = frame.functionName || "(anonymous)";
	if (frame.url === "") return name;
	const file = frame.url.slice(frame.url.lastIndexOf("/") + 1);
	return `${name} ${file}:${frame.lineNumber + 1}`;
}

/** Reads a `.cpuprofile` into a tree of frames with sample counts. */
export function readProfile(path: string): { root: Frame; samples: number } {
	const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
	const hits = new Map<number, number>();
	for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const build = (id: number): Frame => {
		const node = byId.get(id);
		if (!node) throw new Error(`cpuprofile: node ${id} missing`);
		const children = (node.children ?? []).map(build);
		const self = hits.get(id) ?? 0;
		return {
			name: label(node.callFrame),
			origin: originOf(node.callFrame.url, node.callFrame.functionName),
			self,
			total: self + children.reduce((sum, child) => sum + child.total, 0),
			children,
		};
	};
	const rootNode = profile.nodes[0];
	if (!rootNode) throw new Error("cpuprofile: no nodes");
	return { root: build(rootNode.id), samples: profile.samples.length };
}

/** Every frame of the tree, depth first. */
export function* framesOf(root: Frame): Generator<Frame> {
	const pending = [root];
	for (let frame = pending.pop(); frame; frame = pending.pop()) {
		yield frame;
		pending.push(...frame.children);
	}
}
