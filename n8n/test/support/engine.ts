import * as path from "node:path";
import type {
  ICredentialDataDecryptedObject,
  IDataObject,
  INode,
  INodeExecutionData,
  INodeType,
  INodeTypes,
  IConnections,
  IRun,
  IRunExecutionData,
  IWorkflowExecuteAdditionalData,
} from "n8n-workflow";

/**
 * Runs workflows in-process in n8n-core's WorkflowExecute, the engine n8n itself uses, with the
 * package's nodes loaded from its built dist/ (what n8n loads), as n8n's own NodeTestHarness does
 * (which is not published): node types from the package, credentials from a map, binary data
 * kept inline, lifecycle hooks collecting each node's run data.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const workflowLib = require("n8n-workflow") as typeof import("n8n-workflow");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require("n8n-core") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const PACKAGE = "n8n-nodes-velocitycollector";
export const DIST = path.resolve(__dirname, "../../dist");

export function loadPackageNodeTypes(): Record<string, INodeType> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(path.resolve(__dirname, "../../package.json")) as { n8n: { nodes: string[] } };
  const types: Record<string, INodeType> = {};
  for (const file of pkg.n8n.nodes) {
    const className = path.basename(file).split(".")[0];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const NodeClass = require(path.resolve(__dirname, "../..", file))[className] as new () => INodeType;
    const node = new NodeClass();
    types[`${PACKAGE}.${node.description.name}`] = node;
  }
  return types;
}

class PackageNodeTypes implements INodeTypes {
  constructor(private readonly types: Record<string, INodeType>) {}
  getByName(name: string): INodeType {
    const t = this.types[name];
    if (!t) throw new Error(`unknown node type ${name}`);
    return t;
  }
  getByNameAndVersion(name: string, version?: number): INodeType {
    return workflowLib.NodeHelpers.getVersionedNodeType(this.getByName(name), version) as INodeType;
  }
  getKnownTypes() {
    return {};
  }
}

class MapCredentialsHelper extends workflowLib.ICredentialsHelper {
  constructor(private readonly map: Record<string, ICredentialDataDecryptedObject>) {
    super();
  }
  getParentTypes(): string[] {
    return [];
  }
  async authenticate(_c: unknown, _t: string, requestParams: never) {
    return requestParams;
  }
  async preAuthentication() {
    return undefined;
  }
  async runPreAuthentication() {
    return undefined;
  }
  async getCredentials(): Promise<never> {
    throw new Error("not used");
  }
  async getDecrypted(_a: unknown, _n: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
    const found = this.map[type];
    if (!found) throw new Error(`no credentials of type ${type} in this test`);
    return found;
  }
  async updateCredentials() {}
  async updateCredentialsOauthTokenData() {}
  getCredentialsProperties() {
    return [];
  }
  isCredentialUsableByNode() {
    return true;
  }
}

let binaryReady = false;

/** Binary data kept inline in the item (base64), as n8n's test harness does. */
function useInlineBinaryData(): void {
  if (binaryReady) return;
  const { Container } = require("@n8n/di") as { Container: { set(k: unknown, v: unknown): void } }; // eslint-disable-line @typescript-eslint/no-require-imports
  const BinaryDataService = core.BinaryDataService;
  class InlineBinaryDataService extends BinaryDataService {
    constructor() {
      super(...([undefined, undefined, undefined] as unknown as []));
    }
    async store(_location: unknown, buffer: Buffer, binaryData: IDataObject) {
      binaryData.data = buffer.toString("base64");
      binaryData.bytes = buffer.length;
      binaryData.fileSize = `${buffer.length} B`;
      return binaryData;
    }
  }
  Container.set(BinaryDataService, new InlineBinaryDataService());
  binaryReady = true;
}

export interface WorkflowSpec {
  nodes: Array<Partial<INode> & Pick<INode, "name" | "type" | "parameters">>;
  connections: IConnections;
}

export interface RunResult {
  run: IRun;
  /** Output items of a node's first run, first output (or the output given). */
  output(node: string, index?: number): INodeExecutionData[];
  /** The error a node ended with, if any. */
  error(node: string): Error | undefined;
}

/** Executes the workflow from its first node (given `input` items) and waits for it to finish. */
export async function runWorkflow(
  spec: WorkflowSpec,
  opts: { credentials?: Record<string, ICredentialDataDecryptedObject>; input?: INodeExecutionData[] } = {},
): Promise<RunResult> {
  useInlineBinaryData();
  const nodeTypes = new PackageNodeTypes(loadPackageNodeTypes());
  const nodes: INode[] = spec.nodes.map((n, i) => ({
    id: n.id ?? `node-${i}`,
    typeVersion: 1,
    position: [i * 200, 0],
    ...n,
  })) as INode[];
  const workflow = new workflowLib.Workflow({
    id: "test",
    name: "test",
    nodes,
    connections: spec.connections,
    nodeTypes,
    active: false,
    settings: {},
  });
  const hooks = new core.ExecutionLifecycleHooks("manual", "1", { id: "test", nodes, connections: spec.connections });
  let resolveRun!: (run: IRun) => void;
  const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
  hooks.addHandler("workflowExecuteAfter", (run: IRun) => resolveRun(run));
  const additionalData = {
    hooks,
    credentialsHelper: new MapCredentialsHelper(opts.credentials ?? {}),
    currentNodeParameters: undefined,
    executionId: "1",
    restApiUrl: "http://127.0.0.1/rest",
    instanceBaseUrl: "http://127.0.0.1/",
    webhookBaseUrl: "http://127.0.0.1/webhook",
    webhookWaitingBaseUrl: "http://127.0.0.1/webhook-waiting",
    webhookTestBaseUrl: "http://127.0.0.1/webhook-test",
    formWaitingBaseUrl: "http://127.0.0.1/form-waiting",
    variables: {},
    userId: "test",
    setExecutionStatus: () => undefined,
    logAiEvent: () => undefined,
    startRunnerTask: () => Promise.reject(new Error("no task runner in tests")),
  } as unknown as IWorkflowExecuteAdditionalData;
  const start = workflow.getNode(nodes[0].name)!;
  const runExecutionData: IRunExecutionData = {
    resultData: { runData: {} },
    executionData: {
      metadata: {},
      contextData: {},
      waitingExecution: {},
      waitingExecutionSource: null,
      nodeExecutionStack: [{ node: start, data: { main: [opts.input ?? [{ json: {} }]] }, source: null }],
    },
  } as unknown as IRunExecutionData;
  const execute = new core.WorkflowExecute(additionalData, "manual", runExecutionData);
  await execute.processRunExecutionData(workflow);
  const run = await finished;
  const runData = run.data.resultData.runData;
  return {
    run,
    output: (node, index = 0) => runData[node]?.[0]?.data?.main?.[index] ?? [],
    error: (node) => runData[node]?.[0]?.error as Error | undefined,
  };
}
