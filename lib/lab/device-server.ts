import * as net from "node:net";
import { Server, utils, type Algorithms, type AuthContext, type Connection, type ParsedKey } from "ssh2";
import { VcError } from "../core/errors";
import { isLoopback } from "./addresses";
import type { ConnectionControl, DeviceBehaviour } from "./behaviour";
import { CliSession } from "./cli-session";
import { fastSigningKey } from "./hostkeys";
import type { LabAlgorithms, LabDeviceInfo } from "./types";

/** How a device authenticates, resolved from its spec. */
export interface DeviceAuth {
  username: string;
  password: string;
  passwordMethod: boolean;
  keyboardInteractive: boolean;
  authorizedKeys: ParsedKey[];
}

export interface DeviceServerOptions {
  info: LabDeviceInfo;
  behaviour: DeviceBehaviour;
  auth: DeviceAuth;
  hostKey: string;
  banner: string;
  algorithms?: LabAlgorithms;
  allowForwarding: boolean;
}

/** Parses OpenSSH public key lines; errors name the device and the line number. */
export function parseAuthorizedKeys(lines: string[], where: string): ParsedKey[] {
  return lines.map((line, i) => {
    let parsed = utils.parseKey(line.trim());
    if (Array.isArray(parsed)) parsed = parsed[0];
    if (parsed instanceof Error)
      throw new VcError("usage", `authorizedKeys[${i}] is not an OpenSSH public key: ${parsed.message}`, where);
    return parsed;
  });
}

/**
 * One simulated device: a TCP listener of its own, handing sockets to an ssh2 Server that holds
 * the device's host key. Every socket and CLI session is tracked so stop() leaves nothing behind.
 */
export class DeviceServer {
  private listener?: net.Server;
  private ssh?: Server;
  private readonly sockets = new Map<string, net.Socket>();
  private readonly sessions = new Set<CliSession>();
  private stopped = false;

  constructor(private readonly opts: DeviceServerOptions) {}

  get info(): LabDeviceInfo {
    return this.opts.info;
  }

  async start(): Promise<void> {
    const { info, behaviour } = this.opts;
    if (behaviour.fault === "refuse") {
      // Reserve a port on the device's address, then close it: connecting gets ECONNREFUSED.
      const probe = net.createServer();
      info.port = await listen(probe, info.host, info.port, info.name);
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      return;
    }
    // Creating the ssh2 Server parses the host key: done at the first connection, except when
    // custom algorithms must be checked now so that a typo fails startLab().
    if (behaviour.fault !== "banner_hang" && this.opts.algorithms) this.ssh = this.createSshServer();
    const listener = net.createServer((socket) => this.accept(socket));
    listener.on("error", () => {
      /* per-socket errors are handled on the sockets */
    });
    this.listener = listener;
    info.port = await listen(listener, info.host, info.port, info.name);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const session of this.sessions) session.dispose();
    this.sessions.clear();
    for (const socket of this.sockets.values()) socket.destroy();
    this.sockets.clear();
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await new Promise<void>((resolve) => listener.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.set(key, socket);
    socket.setNoDelay(true);
    socket.on("error", () => {
      /* a client vanishing is normal */
    });
    socket.on("close", () => {
      this.sockets.delete(key);
    });
    // banner_hang: TCP is accepted but the SSH identification never comes.
    if (this.opts.behaviour.fault === "banner_hang") return;
    try {
      this.ssh ??= this.createSshServer();
    } catch {
      socket.destroy();
      return;
    }
    this.ssh.injectSocket(socket);
  }

  private createSshServer(): Server {
    const { opts } = this;
    const ident = opts.behaviour.platform.sshIdent.replace(/^SSH-2\.0-/, "");
    let server: Server;
    try {
      server = new Server({
        hostKeys: [fastSigningKey(opts.hostKey)],
        ident,
        banner: opts.banner ? opts.banner.replace(/\r?\n/g, "\r\n") : undefined,
        algorithms: opts.algorithms as Algorithms | undefined,
      });
    } catch (err) {
      throw new VcError(
        "usage",
        `cannot create the SSH server: ${(err as Error).message}`,
        `lab device ${opts.info.name}`,
      );
    }
    server.on("error", () => {
      /* listener errors surface through start() */
    });
    server.on("connection", (conn, info) => this.onConnection(conn, this.sockets.get(`${info.ip}:${info.port}`)));
    return server;
  }

  private onConnection(conn: Connection, socket: net.Socket | undefined): void {
    const { behaviour } = this.opts;
    conn.on("error", () => {
      /* protocol errors end the connection; nothing to report */
    });
    const control: ConnectionControl = {
      drop: () => socket?.destroy(),
      close: () => setImmediate(() => conn.end()),
    };
    conn.on("authentication", (ctx) => this.authenticate(ctx));
    conn.on("ready", () => {
      conn.on("session", (acceptSession) => {
        const session = acceptSession();
        let started = false;
        session.on("pty", (accept) => accept?.());
        session.on("env", (accept) => accept?.());
        session.on("window-change", (accept) => accept?.());
        session.on("signal", (accept) => accept?.());
        session.on("subsystem", (_accept, reject) => reject?.());
        session.on("sftp", (_accept, reject) => reject?.());
        session.on("shell", (accept, reject) => {
          if (started) return reject?.();
          started = true;
          this.track(new CliSession(accept(), behaviour, control), (cli) => cli.runShell());
        });
        session.on("exec", (accept, reject, info) => {
          if (started) return reject?.();
          started = true;
          this.track(new CliSession(accept(), behaviour, control), (cli) => cli.runExec(info.command));
        });
      });
      conn.on("tcpip", (accept, reject, info) => {
        if (!this.opts.allowForwarding || !isLoopback(info.destIP)) return reject();
        const upstream = net.connect(info.destPort, info.destIP);
        const key = `forward:${upstream.localPort ?? Math.random()}:${Date.now()}`;
        this.sockets.set(key, upstream);
        upstream.on("close", () => {
          this.sockets.delete(key);
        });
        upstream.once("error", () => reject());
        upstream.once("connect", () => {
          const channel = accept();
          channel.on("error", () => upstream.destroy());
          channel.pipe(upstream).pipe(channel);
        });
      });
    });
  }

  private track(cli: CliSession, run: (cli: CliSession) => Promise<void>): void {
    if (this.stopped) {
      cli.dispose();
      return;
    }
    this.sessions.add(cli);
    void run(cli).finally(() => this.sessions.delete(cli));
  }

  private authenticate(ctx: AuthContext): void {
    const { auth, behaviour } = this.opts;
    const methods: ("password" | "keyboard-interactive" | "publickey")[] = [];
    if (auth.authorizedKeys.length) methods.push("publickey");
    if (auth.keyboardInteractive) methods.push("keyboard-interactive");
    if (auth.passwordMethod) methods.push("password");
    if (behaviour.fault === "auth_fail") return ctx.reject(methods.length ? methods : ["password"]);
    const userOk = ctx.username === auth.username;
    switch (ctx.method) {
      case "password":
        return auth.passwordMethod && userOk && ctx.password === auth.password ? ctx.accept() : ctx.reject(methods);
      case "keyboard-interactive":
        if (!auth.keyboardInteractive) return ctx.reject(methods);
        return ctx.prompt([{ prompt: "Password: ", echo: false }], (answers) => {
          if (Array.isArray(answers) && userOk && answers[0] === auth.password) ctx.accept();
          else ctx.reject(methods);
        });
      case "publickey": {
        const match = userOk
          ? auth.authorizedKeys.find(
              (k) =>
                k.type === ctx.key.algo.replace(/^rsa-sha2-(256|512)$/, "ssh-rsa") &&
                k.getPublicSSH().equals(ctx.key.data),
            )
          : undefined;
        if (!match) return ctx.reject(methods);
        if (!ctx.signature) return ctx.accept();
        return match.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(methods);
      }
      default:
        return ctx.reject(methods);
    }
  }
}

function listen(server: net.Server, host: string, port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) =>
      reject(new VcError("lab_listen", `cannot listen on ${host}:${port}: ${err.message}`, `lab device ${name}`));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.removeListener("error", onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
