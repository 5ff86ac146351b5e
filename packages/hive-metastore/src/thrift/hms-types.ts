/**
 * TypeScript views of the IDL structs in `thrift/hive_metastore.thrift`
 * (types only: the wire layout is read from the IDL). Field names match the
 * IDL exactly; enums are their member names.
 */
export type PrincipalType = 'USER' | 'ROLE' | 'GROUP';
export type LockLevel = 'DB' | 'TABLE' | 'PARTITION';
export type LockState = 'ACQUIRED' | 'WAITING' | 'ABORT' | 'NOT_ACQUIRED';
export type LockType = 'SHARED_READ' | 'SHARED_WRITE' | 'EXCLUSIVE' | 'EXCL_WRITE';
export type DataOperationType = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'UNSET' | 'NO_TXN';

export interface FieldSchema {
  name: string;
  type: string;
  comment?: string | null;
}

export interface EnvironmentContext {
  properties: Record<string, string>;
}

export interface Database {
  name: string;
  description?: string | null;
  locationUri?: string | null;
  parameters?: Record<string, string>;
  ownerName?: string;
  ownerType?: PrincipalType;
  catalogName?: string;
  createTime?: number;
  managedLocationUri?: string;
}

export interface SerDeInfo {
  name?: string | null;
  serializationLib?: string;
  parameters?: Record<string, string>;
  description?: string;
  serializerClass?: string;
  deserializerClass?: string;
}

export interface Order {
  col: string;
  order: number;
}

export interface StorageDescriptor {
  cols?: FieldSchema[];
  location?: string | null;
  inputFormat?: string;
  outputFormat?: string;
  compressed?: boolean;
  numBuckets?: number;
  serdeInfo?: SerDeInfo;
  bucketCols?: string[];
  sortCols?: Order[];
  parameters?: Record<string, string>;
  storedAsSubDirectories?: boolean;
}

export interface Table {
  tableName: string;
  dbName: string;
  owner?: string;
  createTime?: number;
  lastAccessTime?: number;
  retention?: number;
  sd?: StorageDescriptor;
  partitionKeys?: FieldSchema[];
  parameters?: Record<string, string>;
  viewOriginalText?: string | null;
  viewExpandedText?: string | null;
  tableType?: string;
  temporary?: boolean;
  catName?: string;
  ownerType?: PrincipalType;
}

export interface Partition {
  values: string[];
  dbName: string;
  tableName: string;
  createTime?: number;
  lastAccessTime?: number;
  sd?: StorageDescriptor;
  parameters?: Record<string, string>;
  catName?: string;
}

export interface AddPartitionsRequest {
  dbName: string;
  tblName: string;
  parts: Partition[];
  ifNotExists: boolean;
  /** The metastore's default is true. */
  needResult?: boolean;
  catName?: string;
}

export interface AddPartitionsResult {
  /** The partitions added (not those that existed), when `needResult`. */
  partitions?: Partition[];
  isStatsCompliant?: boolean;
}

export interface LockComponent {
  type: LockType;
  level: LockLevel;
  dbname: string;
  tablename?: string;
  partitionname?: string;
  operationType?: DataOperationType;
  isTransactional?: boolean;
  isDynamicPartitionWrite?: boolean;
}

export interface LockRequest {
  component: LockComponent[];
  txnid?: bigint;
  user: string;
  hostname: string;
  agentInfo?: string;
}

export interface LockResponse {
  lockid: bigint;
  state: LockState;
  errorMessage?: string;
}
