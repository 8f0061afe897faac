import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Copy, DockerfileParser, Env, type Instruction } from "dockerfile-ast";
import { parse } from "yaml";
import { SERVER_DIR } from "../helpers.ts";

/** The repository root, where `Dockerfile`, `compose.yaml` and `README.md` live. */
export const REPO_ROOT = join(SERVER_DIR, "../..");

/** One `FROM … AS name` stage of the Dockerfile, reduced to what the checks need. */
export interface Stage {
	name: string | null;
	image: string;
	tag: string | null;
	instructions: { keyword: string; text: string }[];
	env: Record<string, string>;
	workdir: string | null;
	user: string | null;
	copies: { from: string | null; source: string; destination: string }[];
	/** The exec-form command (`CMD [...]`) of the stage, or null. */
	cmd: string[] | null;
	/** The exec-form command of `HEALTHCHECK … CMD [...]`, or null. */
	healthcheck: string[] | null;
	exposed: string[];
}

function execForm(text: string | null): string[] | null {
	const json = /^\s*(\[.*\])\s*$/s.exec(text ?? "")?.[1];
	return json === undefined ? null : (JSON.parse(json) as string[]);
}

function stageOf(instructions: Instruction[]): Stage {
	const [from, ...rest] = instructions;
	const args = from?.getArguments().map((arg) => arg.getValue()) ?? [];
	const [image = "", tag = null] = (args[0] ?? "").split(":");
	const stage: Stage = {
		name: args[1]?.toUpperCase() === "AS" ? (args[2] ?? null) : null,
		image,
		tag,
		instructions: rest.map((instruction) => ({
			keyword: instruction.getKeyword(),
			text: instruction.getArgumentsContent() ?? "",
		})),
		env: {},
		workdir: null,
		user: null,
		copies: [],
		cmd: null,
		healthcheck: null,
		exposed: [],
	};
	for (const instruction of rest) {
		const words = instruction.getArguments().map((arg) => arg.getValue());
		const text = instruction.getArgumentsContent();
		switch (instruction.getKeyword()) {
			case "ENV":
				if (instruction instanceof Env)
					for (const property of instruction.getProperties())
						stage.env[property.getName()] = property.getValue() ?? "";
				break;
			case "WORKDIR":
				stage.workdir = words[0] ?? null;
				break;
			case "USER":
				stage.user = words[0] ?? null;
				break;
			case "EXPOSE":
				stage.exposed.push(...words);
				break;
			case "CMD":
				stage.cmd = execForm(text);
				break;
			case "HEALTHCHECK":
				stage.healthcheck = execForm(/\bCMD\s+(\[.*\])\s*$/s.exec(text ?? "")?.[1] ?? null);
				break;
			case "COPY": {
				const from = instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? null) : null;
				const destination = words.at(-1) ?? "";
				for (const source of words.slice(0, -1)) stage.copies.push({ from, source, destination });
				break;
			}
		}
	}
	return stage;
}

/** The Dockerfile's stages in order, parsed with dockerfile-ast (continuations, comments, exec forms). */
export function readDockerfile(): Stage[] {
	const dockerfile = DockerfileParser.parse(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8"));
	const stages: Instruction[][] = [];
	for (const instruction of dockerfile.getInstructions()) {
		if (instruction.getKeyword() === "FROM") stages.push([instruction]);
		else stages.at(-1)?.push(instruction);
	}
	return stages.map(stageOf);
}

/** The parts of a compose service these checks read. */
export interface ComposeService {
	image?: string;
	build?: string | { context: string };
	environment?: Record<string, string>;
	ports?: string[];
	depends_on?: Record<string, { condition: string }>;
	volumes?: string[];
	healthcheck?: { test: string[] | string };
}

/** `compose.yaml`, parsed with the `yaml` library. */
export function readCompose(): {
	services: Record<string, ComposeService>;
	volumes?: Record<string, unknown>;
} {
	return parse(readFileSync(join(REPO_ROOT, "compose.yaml"), "utf8"));
}

/** The variable names of the README's configuration table (`| \`NAME\` | … |`). */
export function documentedVariables(): Set<string> {
	const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
	return new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|/gm)].map((match) => match[1] ?? ""));
}

/** The README's "Run with Docker Compose" section, up to the next heading of the same or higher level. */
export function readmeDockerSection(): string {
	const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
	return /^(#+) Run with Docker Compose\n([\s\S]*?)(?=^#{1,3} )/m.exec(readme)?.[2] ?? "";
}
