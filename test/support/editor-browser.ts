import type { Locator, Page } from "playwright-core";

/**
 * Drives the Node-RED editor the way a user does (palette, dialogs, import menu, deploy button,
 * inject buttons, debug sidebar), with the selectors of Node-RED 4 and 5. The browser itself is
 * launched by test/support/browser.ts.
 */
export class NodeRedEditor {
  constructor(readonly page: Page) {}

  /** Opens the editor and waits until the palette has loaded (and `type`, when given). */
  async open(url: string, type?: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator("#red-ui-palette .red-ui-palette-node").first().waitFor();
    if (type) await this.paletteNode(type).waitFor();
  }

  paletteNode(type: string): Locator {
    return this.page.locator(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`);
  }

  /** Types into the palette filter (the widget reacts to key presses, not to fill()). */
  async filterPalette(text: string): Promise<void> {
    const input = this.page.locator("#red-ui-palette-search input");
    await input.fill("");
    await input.pressSequentially(text);
  }

  async clearPaletteFilter(): Promise<void> {
    const input = this.page.locator("#red-ui-palette-search input");
    await input.fill("");
    await input.press("Backspace");
  }

  /** A node on the visible workspace, found by its label. */
  canvasNode(label: string | RegExp): Locator {
    const text = typeof label === "string" ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    return this.page
      .locator("#red-ui-workspace-chart g.red-ui-flow-node-group")
      .filter({ has: this.page.locator("text.red-ui-flow-node-label-text", { hasText: text }) });
  }

  /** The node selected on the workspace (a node just dropped from the palette is selected), by the editor's own view API. */
  async selectedNode(): Promise<Locator> {
    const id = await this.page.evaluate(() => {
      const red = (window as unknown as { RED: { view: { selection(): { nodes?: Array<{ id: string }> } } } }).RED;
      return red.view.selection().nodes?.[0]?.id;
    });
    if (!id) throw new Error("no node is selected on the workspace");
    return this.page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
  }

  /** The status text under a node on the canvas ("" when it has none). */
  async statusText(node: Locator): Promise<string> {
    return (await node.locator("text.red-ui-flow-node-status-label").textContent()) ?? "";
  }

  /** Waits until a node's status text matches, failing with the last text seen. */
  async waitForStatus(node: Locator, pattern: RegExp, ms = 60_000): Promise<string> {
    const until = Date.now() + ms;
    let last = "";
    while (Date.now() < until) {
      last = await this.statusText(node);
      if (pattern.test(last)) return last;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`node status '${last}' did not match ${pattern} within ${ms} ms`);
  }

  /** Drags a palette node onto the workspace at (x, y) within the chart. */
  async dragToCanvas(type: string, x: number, y: number): Promise<void> {
    await this.paletteNode(type).dragTo(this.page.locator("#red-ui-workspace-chart"), { targetPosition: { x, y } });
  }

  /** Opens a node's edit dialog (double-click) and waits for the tray. */
  async openDialog(node: Locator): Promise<Locator> {
    await node.locator("rect.red-ui-flow-node").first().dblclick();
    const tray = this.page.locator(".red-ui-tray").last();
    await tray.locator(".red-ui-tray-body").waitFor();
    return tray;
  }

  async cancelDialog(): Promise<void> {
    await this.page.locator("#node-dialog-cancel").click();
    await this.page.locator(".red-ui-tray").waitFor({ state: "detached" });
  }

  /** Opens Import > Examples and expands a module's entry; returns that entry. */
  private async openExamplesOf(module: string): Promise<Locator> {
    await this.page.locator("#red-ui-header-button-sidemenu").click();
    await this.page.locator("#menu-item-import").click();
    await this.page.locator("#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples").click();
    const tree = this.page.locator("#red-ui-clipboard-dialog-import-tab-examples");
    const moduleItem = tree
      .locator("li")
      .filter({ has: this.page.locator(":scope > div > .red-ui-treeList-label", { hasText: module }) });
    await moduleItem.locator(".red-ui-treeList-label").first().click();
    return moduleItem;
  }

  /** Import > Examples > <module> > <folder> > <title>, then Import. */
  async importExample(module: string, folder: string, title: string): Promise<void> {
    const moduleItem = await this.openExamplesOf(module);
    await moduleItem.locator(".red-ui-treeList-label", { hasText: new RegExp(`^${escapeRegExp(folder)}$`) }).click();
    await moduleItem.locator(".red-ui-treeList-label", { hasText: new RegExp(`^${escapeRegExp(title)}$`) }).click();
    await this.page.locator("#red-ui-clipboard-dialog-ok").click();
    await this.dismissNotification(/Imported/);
  }

  /** Every example title listed under a module in Import > Examples (the dialog is closed again). */
  async listExamples(module: string, folder: string): Promise<string[]> {
    const moduleItem = await this.openExamplesOf(module);
    const folderItem = moduleItem.locator("li").filter({
      has: this.page.locator(":scope > div > .red-ui-treeList-label", {
        hasText: new RegExp(`^${escapeRegExp(folder)}$`),
      }),
    });
    await folderItem.locator(".red-ui-treeList-label").first().click();
    const items = folderItem.locator("li .red-ui-treeList-label-text");
    await items.first().waitFor();
    const titles = await items.allTextContents();
    await this.page.locator("#red-ui-clipboard-dialog-cancel").click();
    return titles;
  }

  async showTab(label: string): Promise<void> {
    await this.page.locator("#red-ui-workspace-tabs .red-ui-tab", { hasText: label }).click();
  }

  async deploy(): Promise<void> {
    await this.page.locator("#red-ui-header-button-deploy").click();
    await this.dismissNotification(/Successfully deployed/);
  }

  async pressInject(node: Locator): Promise<void> {
    await node.locator(".red-ui-flow-node-button").click();
  }

  /** Waits for a notification, clicks it away and waits until it is gone (it covers the tabs). */
  async dismissNotification(text: RegExp): Promise<void> {
    const note = this.page.locator("#red-ui-notifications .red-ui-notification", { hasText: text });
    await note.first().waitFor();
    await note.first().click();
    await note.first().waitFor({ state: "hidden" });
  }

  async showSidebar(tab: "debug" | "info" | "help" | "config"): Promise<void> {
    await this.page.locator(`#red-ui-tab-${tab}-link-button`).click();
  }

  /**
   * Expands a debug message like a user clicking the carets: the top level, then each key of
   * `keyPath` in turn (array indexes are keys too), e.g. ["0", "records", "0"].
   */
  async expandDebugMessage(message: Locator, keyPath: string[]): Promise<void> {
    await message.locator(".red-ui-debug-msg-object-handle").first().click();
    let scope = message;
    for (const key of keyPath) {
      const row = scope
        .locator(".red-ui-debug-msg-row")
        .filter({
          has: this.page.locator(":scope > .red-ui-debug-msg-object-key", {
            hasText: new RegExp(`^${escapeRegExp(key)}$`),
          }),
        })
        .first();
      await row.locator(".red-ui-debug-msg-object-handle").click();
      scope = row.locator("xpath=..");
    }
  }

  /** Debug sidebar messages from the debug node with this name. */
  debugMessages(debugNodeName: string): Locator {
    return this.page
      .locator("#red-ui-sidebar .red-ui-debug-msg")
      .filter({ has: this.page.locator(".red-ui-debug-msg-name", { hasText: `node: ${debugNodeName}` }) });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
