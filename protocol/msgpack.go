package protocol

import "github.com/skirmishgg/skirmish/protocol/msgp"

// The msgpack subset the protocol uses (nil, booleans, integers, strings
// and arrays, each in its smallest form, so an encoding is canonical and a
// 1-byte positive fixint carries most snapshot values) is package msgp's;
// these are the protocol's short names for it.

const (
	mpNil      = msgp.Nil
	mpUint8    = msgp.Uint8
	mpUint16   = msgp.Uint16
	mpUint32   = msgp.Uint32
	mpUint64   = msgp.Uint64
	mpInt8     = msgp.Int8
	mpInt16    = msgp.Int16
	mpInt32    = msgp.Int32
	mpInt64    = msgp.Int64
	mpFixArray = msgp.FixArray
)

func appendNil(b []byte) []byte              { return msgp.AppendNil(b) }
func appendBool(b []byte, v bool) []byte     { return msgp.AppendBool(b, v) }
func appendUint(b []byte, v uint64) []byte   { return msgp.AppendUint(b, v) }
func appendInt(b []byte, v int64) []byte     { return msgp.AppendInt(b, v) }
func appendStr(b []byte, s string) []byte    { return msgp.AppendStr(b, s) }
func appendArray(b []byte, n int) []byte     { return msgp.AppendArray(b, n) }
func beginArray(b []byte) ([]byte, int)      { return msgp.BeginArray(b) }
func endArray(b []byte, start, n int) []byte { return msgp.EndArray(b, start, n) }
func zigzag(v int64) uint64                  { return msgp.Zigzag(v) }
func unzigzag(u uint64) int64                { return msgp.Unzigzag(u) }

// reservedArray is the room beginArray reserves.
const reservedArray = msgp.ReservedArray
