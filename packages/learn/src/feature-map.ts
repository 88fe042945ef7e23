/** Feature strings → ids; `grow` adds unseen features (training), otherwise they are dropped (-1). */
export class FeatureMap {
  readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  id(name: string, grow: boolean): number {
    const id = this.ids.get(name);
    if (id !== undefined) return id;
    if (!grow) return -1;
    this.ids.set(name, this.names.length);
    this.names.push(name);
    return this.names.length - 1;
  }
}
