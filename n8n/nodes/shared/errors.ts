import type { INode, JsonObject } from "n8n-workflow";
import { NodeOperationError } from "n8n-workflow";
import { errorMessage, VcError } from "../../../lib/core/errors";

/** The pack's error class of any error ("internal_error" when it is not one of ours). */
export function errorClassOf(err: unknown): string {
  return err instanceof VcError ? err.errorClass : "internal_error";
}

/**
 * A NodeOperationError carrying the core's error class (context.errorClass and the description),
 * so that n8n shows "error class: vault_locked" under the message and an error workflow can
 * branch on it. The message is the core's located message, which never holds a secret.
 */
export function nodeError(node: INode, err: unknown, itemIndex?: number): NodeOperationError {
  if (err instanceof NodeOperationError) return err;
  const errorClass = errorClassOf(err);
  const error = new NodeOperationError(node, errorMessage(err), {
    itemIndex,
    description: `error class: ${errorClass}`,
  });
  error.context.errorClass = errorClass;
  return error;
}

/** The JSON an item carries when continueOnFail is on and that item failed. */
export function errorJson(err: unknown): JsonObject {
  return { error: errorMessage(err), errorClass: errorClassOf(err) };
}
