// Grafana's types spell some fields as TypeScript string enums (LegendDisplayMode.List) where a dashboard's JSON holds
// their values ("list"); a JSON literal is never assignable to a string enum. JsonOf<T> is T with every string enum
// replaced by the union of its values, and nothing else changed: required fields, literal unions, numeric enums and
// excess-property checks on object literals all stay as Grafana declares them.
export type JsonOf<T> = T extends string ? `${T}` : T extends object ? { [K in keyof T]: JsonOf<T[K]> } : T;
