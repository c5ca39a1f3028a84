package remote

// obs-websocket v5 protocol constants (rpcVersion 1), named as its
// protocol document names them.

const (
	rpcVersion = 1
	// obsWebSocketVersion is the protocol version we speak.
	obsWebSocketVersion = "5.5.0"
	// obsVersion is what GetVersion reports as OBS's version: tools such as
	// Companion choose the requests they send by it, so it names an OBS
	// release whose request set is the one we follow.
	obsVersion = "30.2.0"
	vendorName = "showcaster"

	subprotocolJSON    = "obswebsocket.json"
	subprotocolMsgpack = "obswebsocket.msgpack"
)

// Op codes.
const (
	opHello                = 0
	opIdentify             = 1
	opIdentified           = 2
	opReidentify           = 3
	opEvent                = 5
	opRequest              = 6
	opRequestResponse      = 7
	opRequestBatch         = 8
	opRequestBatchResponse = 9
)

// WebSocket close codes.
const (
	closeUnknownReason         = 4000
	closeMessageDecodeError    = 4002
	closeMissingDataField      = 4003
	closeUnknownOpCode         = 4006
	closeNotIdentified         = 4007
	closeAlreadyIdentified     = 4008
	closeAuthenticationFailed  = 4009
	closeUnsupportedRpcVersion = 4010
	closeSessionInvalidated    = 4011
)

// Request status codes.
const (
	statusSuccess             = 100
	statusMissingRequestType  = 203
	statusUnknownRequestType  = 204
	statusGenericError        = 205
	statusNotReady            = 207
	statusMissingRequestField = 300
	statusInvalidRequestField = 400
	statusOutputRunning       = 500
	statusOutputNotRunning    = 501
	statusResourceNotFound    = 600
	statusRequestFailed       = 702
)

// Event subscription bits (Identify's eventSubscriptions).
const (
	subGeneral = 1 << 0
	subScenes  = 1 << 2
	subInputs  = 1 << 3
	subOutputs = 1 << 6
	subVendors = 1 << 9
	// subAll is OBS's EventSubscription.All: every low-volume category.
	subAll = 0x7ff
)
