/**
 * Rules every JSON request body obeys whatever its route, checked on the parsed body before
 * the route's schema (so each is a 400 naming the field):
 * - at most MAX_JSON_DEPTH levels of nesting: deeper values would overflow the stack of
 *   whatever walks them recursively later (JSON.stringify into a jsonb column, zod);
 * - no `__proto__` key: zod records and plain-object copies drop it silently (or, assigned,
 *   it rewrites the prototype), so it could never be stored as sent;
 * - no lone surrogate and no NUL character in any string or key (service/text-rules.ts), so
 *   every text field follows the same rule.
 */
import { textProblem } from "../service/text-rules.ts";


export const MAX_JSON_DEPTH = 32;
/** Issues reported per body; one is enough to fix, a few help. */
const MAX_ISSUES = 20;

export interface JsonIssue {
  path: (string | number)[];
  message: string;
}

interface Node {
  value: unknown;
  depth: number;
  parent?: Node;
  key?: string | number;
}

function pathOf(node: Node): (string | number)[] {
  const path: (string | number)[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) path.push(n.key!);
  return path.reverse();
}

/** Violations of the rules above in a parsed JSON value, walked iteratively (any depth is safe). */
export function jsonIssues(root: unknown): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const stack: Node[] = [{ value: root, depth: 0 }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) issues.push({ path: pathOf(node), message: problem });
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (node.depth >= MAX_JSON_DEPTH) {
      issues.push({ path: pathOf(node), message: `nested too deeply (at most ${MAX_JSON_DEPTH} levels)` });
      continue;
    }
    const depth = node.depth + 1;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth, parent: node, key: i });
      continue;
    }
    const children: Node[] = [];
    for (const key of Object.keys(value)) {
      const child: Node = { value: (value as Record<string, unknown>)[key], depth, parent: node, key };
      const keyProblem = textProblem(key);
      if (key === "__proto__") issues.push({ path: pathOf(child), message: 'the key "__proto__" is not allowed' });
      else if (keyProblem) issues.push({ path: pathOf(node), message: `a key ${keyProblem}` });
      else children.push(child);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return issues;
}
