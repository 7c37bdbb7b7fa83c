/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// verge: ms timestamps, seqs and byte counts stay far below 2^53, so no Long objects.
$protobuf.util.Long = undefined;
$protobuf.configure();

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError, $TypeError = $util.global.TypeError, $String = $util.global.String, $Array = $util.global.Array, $Number = $util.global.Number, $parseInt = $util.global.parseInt, $BigInt = $util.global.BigInt, $Boolean = $util.global.Boolean;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const verge = $root.verge = (() => {

    /**
     * Namespace verge.
     * @exports verge
     * @namespace
     */
    const verge = {};

    verge.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof verge
         * @namespace
         */
        const v1 = {};

        v1.Signature = (function() {

            /**
             * Properties of a Signature.
             * @typedef {Object} verge.v1.Signature.$Properties
             * @property {string|null} [keyId] Signature keyId
             * @property {Uint8Array|null} [sig] Signature sig
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Signature.
             * @memberof verge.v1
             * @interface ISignature
             * @augments verge.v1.Signature.$Properties
             * @deprecated Use verge.v1.Signature.$Properties instead.
             */

            /**
             * Shape of a Signature.
             * @typedef {verge.v1.Signature.$Properties} verge.v1.Signature.$Shape
             */

            /**
             * Constructs a new Signature.
             * @memberof verge.v1
             * @classdesc Represents a Signature.
             * @constructor
             * @param {verge.v1.Signature.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Signature = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Signature keyId.
             * @member {string} keyId
             * @memberof verge.v1.Signature
             * @instance
             */
            Signature.prototype.keyId = "";

            /**
             * Signature sig.
             * @member {Uint8Array} sig
             * @memberof verge.v1.Signature
             * @instance
             */
            Signature.prototype.sig = $util.newBuffer([]);

            /**
             * Creates a new Signature instance using the specified properties.
             * @function create
             * @memberof verge.v1.Signature
             * @static
             * @param {verge.v1.Signature.$Properties=} [properties] Properties to set
             * @returns {verge.v1.Signature} Signature instance
             * @type {{
             *   (properties: verge.v1.Signature.$Shape): verge.v1.Signature & verge.v1.Signature.$Shape;
             *   (properties?: verge.v1.Signature.$Properties): verge.v1.Signature;
             * }}
             */
            Signature.create = function(properties) {
                return new Signature(properties);
            };

            /**
             * Encodes the specified Signature message. Does not implicitly {@link verge.v1.Signature.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.Signature
             * @static
             * @param {verge.v1.Signature.$Properties} m Signature message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Signature.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.keyId != null && $Object.hasOwnProperty.call(m, "keyId") && m.keyId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.keyId);
                if (m.sig != null && $Object.hasOwnProperty.call(m, "sig") && m.sig.length)
                    w.uint32(/* id 2, wireType 2 =*/18).bytes(m.sig);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Signature message, length delimited. Does not implicitly {@link verge.v1.Signature.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.Signature
             * @static
             * @param {verge.v1.Signature.$Properties} message Signature message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Signature.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Signature message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.Signature
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.Signature & verge.v1.Signature.$Shape} Signature
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Signature.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.Signature();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.keyId = v;
                            else
                                delete m.keyId;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.bytes()).length)
                                m.sig = v;
                            else
                                delete m.sig;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Signature message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.Signature
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.Signature & verge.v1.Signature.$Shape} Signature
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Signature.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Signature message.
             * @function verify
             * @memberof verge.v1.Signature
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Signature.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.keyId != null && $Object.hasOwnProperty.call(m, "keyId")) {
                    if (!$util.isString(m.keyId))
                        return "keyId: string expected";
                }
                if (m.sig != null && $Object.hasOwnProperty.call(m, "sig")) {
                    if (!(m.sig && typeof m.sig.length === "number" || $util.isString(m.sig)))
                        return "sig: buffer expected";
                }
                return null;
            };

            /**
             * Creates a Signature message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.Signature
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.Signature} Signature
             */
            Signature.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.Signature)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.Signature: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.Signature();
                if (d.keyId != null) {
                    if (typeof d.keyId !== "string" || d.keyId.length) {
                        m.keyId = $String(d.keyId);
                    }
                }
                if (d.sig != null) {
                    if (d.sig.length) {
                        if (typeof d.sig === "string")
                            $util.base64.decode(d.sig, m.sig = $util.newBuffer($util.base64.length(d.sig)), 0);
                        else if (d.sig.length >= 0)
                            m.sig = d.sig;
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Signature message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.Signature
             * @static
             * @param {verge.v1.Signature} m Signature
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Signature.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.keyId = "";
                    if (o.bytes === $String)
                        d.sig = "";
                    else {
                        d.sig = [];
                        if (o.bytes !== $Array)
                            d.sig = $util.newBuffer(d.sig);
                    }
                }
                if (m.keyId != null && $Object.hasOwnProperty.call(m, "keyId")) {
                    d.keyId = m.keyId;
                }
                if (m.sig != null && $Object.hasOwnProperty.call(m, "sig")) {
                    d.sig = o.bytes === $String ? $util.base64.encode(m.sig, 0, m.sig.length) : o.bytes === $Array ? $Array.prototype.slice.call(m.sig) : m.sig;
                }
                return d;
            };

            /**
             * Converts this Signature to JSON.
             * @function toJSON
             * @memberof verge.v1.Signature
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Signature.prototype.toJSON = function() {
                return Signature.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Signature
             * @function getTypeUrl
             * @memberof verge.v1.Signature
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Signature.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.Signature";
            };

            return Signature;
        })();

        v1.SignedEnvelope = (function() {

            /**
             * Properties of a SignedEnvelope.
             * @typedef {Object} verge.v1.SignedEnvelope.$Properties
             * @property {string|null} [payloadType] SignedEnvelope payloadType
             * @property {Uint8Array|null} [payload] SignedEnvelope payload
             * @property {Array.<verge.v1.Signature.$Properties>|null} [signatures] SignedEnvelope signatures
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SignedEnvelope.
             * @memberof verge.v1
             * @interface ISignedEnvelope
             * @augments verge.v1.SignedEnvelope.$Properties
             * @deprecated Use verge.v1.SignedEnvelope.$Properties instead.
             */

            /**
             * Shape of a SignedEnvelope.
             * @typedef {verge.v1.SignedEnvelope.$Properties} verge.v1.SignedEnvelope.$Shape
             */

            /**
             * Constructs a new SignedEnvelope.
             * @memberof verge.v1
             * @classdesc Represents a SignedEnvelope.
             * @constructor
             * @param {verge.v1.SignedEnvelope.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SignedEnvelope = function (p) {
                this.signatures = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * SignedEnvelope payloadType.
             * @member {string} payloadType
             * @memberof verge.v1.SignedEnvelope
             * @instance
             */
            SignedEnvelope.prototype.payloadType = "";

            /**
             * SignedEnvelope payload.
             * @member {Uint8Array} payload
             * @memberof verge.v1.SignedEnvelope
             * @instance
             */
            SignedEnvelope.prototype.payload = $util.newBuffer([]);

            /**
             * SignedEnvelope signatures.
             * @member {Array.<verge.v1.Signature.$Properties>} signatures
             * @memberof verge.v1.SignedEnvelope
             * @instance
             */
            SignedEnvelope.prototype.signatures = $util.emptyArray;

            /**
             * Creates a new SignedEnvelope instance using the specified properties.
             * @function create
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {verge.v1.SignedEnvelope.$Properties=} [properties] Properties to set
             * @returns {verge.v1.SignedEnvelope} SignedEnvelope instance
             * @type {{
             *   (properties: verge.v1.SignedEnvelope.$Shape): verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape;
             *   (properties?: verge.v1.SignedEnvelope.$Properties): verge.v1.SignedEnvelope;
             * }}
             */
            SignedEnvelope.create = function(properties) {
                return new SignedEnvelope(properties);
            };

            /**
             * Encodes the specified SignedEnvelope message. Does not implicitly {@link verge.v1.SignedEnvelope.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {verge.v1.SignedEnvelope.$Properties} m SignedEnvelope message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SignedEnvelope.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.payloadType != null && $Object.hasOwnProperty.call(m, "payloadType") && m.payloadType !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.payloadType);
                if (m.payload != null && $Object.hasOwnProperty.call(m, "payload") && m.payload.length)
                    w.uint32(/* id 2, wireType 2 =*/18).bytes(m.payload);
                if (m.signatures != null && m.signatures.length) {
                    for (var i = 0; i < m.signatures.length; ++i)
                        $root.verge.v1.Signature.encode(m.signatures[i], w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified SignedEnvelope message, length delimited. Does not implicitly {@link verge.v1.SignedEnvelope.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {verge.v1.SignedEnvelope.$Properties} message SignedEnvelope message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SignedEnvelope.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a SignedEnvelope message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape} SignedEnvelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SignedEnvelope.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.SignedEnvelope();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.payloadType = v;
                            else
                                delete m.payloadType;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.bytes()).length)
                                m.payload = v;
                            else
                                delete m.payload;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if (!(m.signatures && m.signatures.length))
                                m.signatures = [];
                            m.signatures.push($root.verge.v1.Signature.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a SignedEnvelope message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape} SignedEnvelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SignedEnvelope.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a SignedEnvelope message.
             * @function verify
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            SignedEnvelope.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.payloadType != null && $Object.hasOwnProperty.call(m, "payloadType")) {
                    if (!$util.isString(m.payloadType))
                        return "payloadType: string expected";
                }
                if (m.payload != null && $Object.hasOwnProperty.call(m, "payload")) {
                    if (!(m.payload && typeof m.payload.length === "number" || $util.isString(m.payload)))
                        return "payload: buffer expected";
                }
                if (m.signatures != null && $Object.hasOwnProperty.call(m, "signatures")) {
                    if (!$Array.isArray(m.signatures))
                        return "signatures: array expected";
                    for (var i = 0; i < m.signatures.length; ++i) {
                        {
                            var e = $root.verge.v1.Signature.verify(m.signatures[i], q + 1);
                            if (e)
                                return "signatures." + e;
                        }
                    }
                }
                return null;
            };

            /**
             * Creates a SignedEnvelope message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.SignedEnvelope} SignedEnvelope
             */
            SignedEnvelope.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.SignedEnvelope)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.SignedEnvelope: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.SignedEnvelope();
                if (d.payloadType != null) {
                    if (typeof d.payloadType !== "string" || d.payloadType.length) {
                        m.payloadType = $String(d.payloadType);
                    }
                }
                if (d.payload != null) {
                    if (d.payload.length) {
                        if (typeof d.payload === "string")
                            $util.base64.decode(d.payload, m.payload = $util.newBuffer($util.base64.length(d.payload)), 0);
                        else if (d.payload.length >= 0)
                            m.payload = d.payload;
                    }
                }
                if (d.signatures) {
                    if (!$Array.isArray(d.signatures))
                        throw $TypeError(".verge.v1.SignedEnvelope.signatures: array expected");
                    m.signatures = $Array(d.signatures.length);
                    for (var i = 0; i < d.signatures.length; ++i) {
                        if (!$util.isObject(d.signatures[i]))
                            throw $TypeError(".verge.v1.SignedEnvelope.signatures: object expected");
                        m.signatures[i] = $root.verge.v1.Signature.fromObject(d.signatures[i], q + 1);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a SignedEnvelope message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {verge.v1.SignedEnvelope} m SignedEnvelope
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            SignedEnvelope.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.signatures = [];
                }
                if (o.defaults) {
                    d.payloadType = "";
                    if (o.bytes === $String)
                        d.payload = "";
                    else {
                        d.payload = [];
                        if (o.bytes !== $Array)
                            d.payload = $util.newBuffer(d.payload);
                    }
                }
                if (m.payloadType != null && $Object.hasOwnProperty.call(m, "payloadType")) {
                    d.payloadType = m.payloadType;
                }
                if (m.payload != null && $Object.hasOwnProperty.call(m, "payload")) {
                    d.payload = o.bytes === $String ? $util.base64.encode(m.payload, 0, m.payload.length) : o.bytes === $Array ? $Array.prototype.slice.call(m.payload) : m.payload;
                }
                if (m.signatures && m.signatures.length) {
                    d.signatures = $Array(m.signatures.length);
                    for (var j = 0; j < m.signatures.length; ++j) {
                        d.signatures[j] = $root.verge.v1.Signature.toObject(m.signatures[j], o, q + 1);
                    }
                }
                return d;
            };

            /**
             * Converts this SignedEnvelope to JSON.
             * @function toJSON
             * @memberof verge.v1.SignedEnvelope
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            SignedEnvelope.prototype.toJSON = function() {
                return SignedEnvelope.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for SignedEnvelope
             * @function getTypeUrl
             * @memberof verge.v1.SignedEnvelope
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SignedEnvelope.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.SignedEnvelope";
            };

            return SignedEnvelope;
        })();

        v1.Component = (function() {

            /**
             * Properties of a Component.
             * @typedef {Object} verge.v1.Component.$Properties
             * @property {string|null} [name] Component name
             * @property {string|null} [version] Component version
             * @property {number|null} [size] Component size
             * @property {string|null} [sha256] Component sha256
             * @property {Array.<string>|null} [urls] Component urls
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Component.
             * @memberof verge.v1
             * @interface IComponent
             * @augments verge.v1.Component.$Properties
             * @deprecated Use verge.v1.Component.$Properties instead.
             */

            /**
             * Shape of a Component.
             * @typedef {verge.v1.Component.$Properties} verge.v1.Component.$Shape
             */

            /**
             * Constructs a new Component.
             * @memberof verge.v1
             * @classdesc Represents a Component.
             * @constructor
             * @param {verge.v1.Component.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Component = function (p) {
                this.urls = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Component name.
             * @member {string} name
             * @memberof verge.v1.Component
             * @instance
             */
            Component.prototype.name = "";

            /**
             * Component version.
             * @member {string} version
             * @memberof verge.v1.Component
             * @instance
             */
            Component.prototype.version = "";

            /**
             * Component size.
             * @member {number} size
             * @memberof verge.v1.Component
             * @instance
             */
            Component.prototype.size = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Component sha256.
             * @member {string} sha256
             * @memberof verge.v1.Component
             * @instance
             */
            Component.prototype.sha256 = "";

            /**
             * Component urls.
             * @member {Array.<string>} urls
             * @memberof verge.v1.Component
             * @instance
             */
            Component.prototype.urls = $util.emptyArray;

            /**
             * Creates a new Component instance using the specified properties.
             * @function create
             * @memberof verge.v1.Component
             * @static
             * @param {verge.v1.Component.$Properties=} [properties] Properties to set
             * @returns {verge.v1.Component} Component instance
             * @type {{
             *   (properties: verge.v1.Component.$Shape): verge.v1.Component & verge.v1.Component.$Shape;
             *   (properties?: verge.v1.Component.$Properties): verge.v1.Component;
             * }}
             */
            Component.create = function(properties) {
                return new Component(properties);
            };

            /**
             * Encodes the specified Component message. Does not implicitly {@link verge.v1.Component.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.Component
             * @static
             * @param {verge.v1.Component.$Properties} m Component message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Component.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.name != null && $Object.hasOwnProperty.call(m, "name") && m.name !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.name);
                if (m.version != null && $Object.hasOwnProperty.call(m, "version") && m.version !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.version);
                if (m.size != null && $Object.hasOwnProperty.call(m, "size") && (typeof m.size === "object" ? m.size.low || m.size.high : m.size !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.size);
                if (m.sha256 != null && $Object.hasOwnProperty.call(m, "sha256") && m.sha256 !== "")
                    w.uint32(/* id 4, wireType 2 =*/34).string(m.sha256);
                if (m.urls != null && m.urls.length) {
                    for (var i = 0; i < m.urls.length; ++i)
                        w.uint32(/* id 5, wireType 2 =*/42).string(m.urls[i]);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Component message, length delimited. Does not implicitly {@link verge.v1.Component.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.Component
             * @static
             * @param {verge.v1.Component.$Properties} message Component message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Component.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Component message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.Component
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.Component & verge.v1.Component.$Shape} Component
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Component.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.Component();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.name = v;
                            else
                                delete m.name;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.version = v;
                            else
                                delete m.version;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.size = v;
                            else
                                delete m.size;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.sha256 = v;
                            else
                                delete m.sha256;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if (!(m.urls && m.urls.length))
                                m.urls = [];
                            m.urls.push(r.stringVerify());
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Component message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.Component
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.Component & verge.v1.Component.$Shape} Component
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Component.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Component message.
             * @function verify
             * @memberof verge.v1.Component
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Component.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    if (!$util.isString(m.name))
                        return "name: string expected";
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    if (!$util.isString(m.version))
                        return "version: string expected";
                }
                if (m.size != null && $Object.hasOwnProperty.call(m, "size")) {
                    if (!$util.isInteger(m.size) && !(m.size && $util.isInteger(m.size.low) && $util.isInteger(m.size.high)))
                        return "size: integer|Long expected";
                }
                if (m.sha256 != null && $Object.hasOwnProperty.call(m, "sha256")) {
                    if (!$util.isString(m.sha256))
                        return "sha256: string expected";
                }
                if (m.urls != null && $Object.hasOwnProperty.call(m, "urls")) {
                    if (!$Array.isArray(m.urls))
                        return "urls: array expected";
                    for (var i = 0; i < m.urls.length; ++i) {
                        if (!$util.isString(m.urls[i]))
                            return "urls: string[] expected";
                    }
                }
                return null;
            };

            /**
             * Creates a Component message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.Component
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.Component} Component
             */
            Component.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.Component)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.Component: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.Component();
                if (d.name != null) {
                    if (typeof d.name !== "string" || d.name.length) {
                        m.name = $String(d.name);
                    }
                }
                if (d.version != null) {
                    if (typeof d.version !== "string" || d.version.length) {
                        m.version = $String(d.version);
                    }
                }
                if (d.size != null) {
                    if (typeof d.size === "object" ? d.size.low || d.size.high : $Number(d.size) !== 0) {
                        if ($util.Long)
                            m.size = $util.Long.fromValue(d.size, true);
                        else if (typeof d.size === "string")
                            m.size = $parseInt(d.size, 10);
                        else if (typeof d.size === "number")
                            m.size = d.size;
                        else if (typeof d.size === "object")
                            m.size = new $util.LongBits(d.size.low >>> 0, d.size.high >>> 0).toNumber(true);
                    }
                }
                if (d.sha256 != null) {
                    if (typeof d.sha256 !== "string" || d.sha256.length) {
                        m.sha256 = $String(d.sha256);
                    }
                }
                if (d.urls) {
                    if (!$Array.isArray(d.urls))
                        throw $TypeError(".verge.v1.Component.urls: array expected");
                    m.urls = $Array(d.urls.length);
                    for (var i = 0; i < d.urls.length; ++i) {
                        m.urls[i] = $String(d.urls[i]);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Component message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.Component
             * @static
             * @param {verge.v1.Component} m Component
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Component.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.urls = [];
                }
                if (o.defaults) {
                    d.name = "";
                    d.version = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.size = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.size = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.sha256 = "";
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    d.name = m.name;
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    d.version = m.version;
                }
                if (m.size != null && $Object.hasOwnProperty.call(m, "size")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.size = typeof m.size === "number" ? $BigInt(m.size) : $util.Long.fromBits(m.size.low >>> 0, m.size.high >>> 0, true).toBigInt();
                    else if (typeof m.size === "number")
                        d.size = o.longs === $String ? $String(m.size) : m.size;
                    else
                        d.size = o.longs === $String ? $util.Long.prototype.toString.call(m.size) : o.longs === $Number ? new $util.LongBits(m.size.low >>> 0, m.size.high >>> 0).toNumber(true) : m.size;
                }
                if (m.sha256 != null && $Object.hasOwnProperty.call(m, "sha256")) {
                    d.sha256 = m.sha256;
                }
                if (m.urls && m.urls.length) {
                    d.urls = $Array(m.urls.length);
                    for (var j = 0; j < m.urls.length; ++j) {
                        d.urls[j] = m.urls[j];
                    }
                }
                return d;
            };

            /**
             * Converts this Component to JSON.
             * @function toJSON
             * @memberof verge.v1.Component
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Component.prototype.toJSON = function() {
                return Component.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Component
             * @function getTypeUrl
             * @memberof verge.v1.Component
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Component.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.Component";
            };

            return Component;
        })();

        v1.ReleaseManifest = (function() {

            /**
             * Properties of a ReleaseManifest.
             * @typedef {Object} verge.v1.ReleaseManifest.$Properties
             * @property {string|null} [releaseId] ReleaseManifest releaseId
             * @property {number|null} [counter] ReleaseManifest counter
             * @property {string|null} [version] ReleaseManifest version
             * @property {Array.<verge.v1.Component.$Properties>|null} [components] ReleaseManifest components
             * @property {Array.<string>|null} [compatibleVariants] ReleaseManifest compatibleVariants
             * @property {string|null} [minBaseImage] ReleaseManifest minBaseImage
             * @property {number|null} [createdAt] ReleaseManifest createdAt
             * @property {number|null} [expiresAt] ReleaseManifest expiresAt
             * @property {string|null} [notes] ReleaseManifest notes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ReleaseManifest.
             * @memberof verge.v1
             * @interface IReleaseManifest
             * @augments verge.v1.ReleaseManifest.$Properties
             * @deprecated Use verge.v1.ReleaseManifest.$Properties instead.
             */

            /**
             * Shape of a ReleaseManifest.
             * @typedef {verge.v1.ReleaseManifest.$Properties} verge.v1.ReleaseManifest.$Shape
             */

            /**
             * Constructs a new ReleaseManifest.
             * @memberof verge.v1
             * @classdesc Represents a ReleaseManifest.
             * @constructor
             * @param {verge.v1.ReleaseManifest.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ReleaseManifest = function (p) {
                this.components = [];
                this.compatibleVariants = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ReleaseManifest releaseId.
             * @member {string} releaseId
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.releaseId = "";

            /**
             * ReleaseManifest counter.
             * @member {number} counter
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.counter = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ReleaseManifest version.
             * @member {string} version
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.version = "";

            /**
             * ReleaseManifest components.
             * @member {Array.<verge.v1.Component.$Properties>} components
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.components = $util.emptyArray;

            /**
             * ReleaseManifest compatibleVariants.
             * @member {Array.<string>} compatibleVariants
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.compatibleVariants = $util.emptyArray;

            /**
             * ReleaseManifest minBaseImage.
             * @member {string} minBaseImage
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.minBaseImage = "";

            /**
             * ReleaseManifest createdAt.
             * @member {number} createdAt
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.createdAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ReleaseManifest expiresAt.
             * @member {number} expiresAt
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.expiresAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ReleaseManifest notes.
             * @member {string} notes
             * @memberof verge.v1.ReleaseManifest
             * @instance
             */
            ReleaseManifest.prototype.notes = "";

            /**
             * Creates a new ReleaseManifest instance using the specified properties.
             * @function create
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {verge.v1.ReleaseManifest.$Properties=} [properties] Properties to set
             * @returns {verge.v1.ReleaseManifest} ReleaseManifest instance
             * @type {{
             *   (properties: verge.v1.ReleaseManifest.$Shape): verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape;
             *   (properties?: verge.v1.ReleaseManifest.$Properties): verge.v1.ReleaseManifest;
             * }}
             */
            ReleaseManifest.create = function(properties) {
                return new ReleaseManifest(properties);
            };

            /**
             * Encodes the specified ReleaseManifest message. Does not implicitly {@link verge.v1.ReleaseManifest.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {verge.v1.ReleaseManifest.$Properties} m ReleaseManifest message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ReleaseManifest.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId") && m.releaseId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.releaseId);
                if (m.counter != null && $Object.hasOwnProperty.call(m, "counter") && (typeof m.counter === "object" ? m.counter.low || m.counter.high : m.counter !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.counter);
                if (m.version != null && $Object.hasOwnProperty.call(m, "version") && m.version !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.version);
                if (m.components != null && m.components.length) {
                    for (var i = 0; i < m.components.length; ++i)
                        $root.verge.v1.Component.encode(m.components[i], w.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
                }
                if (m.compatibleVariants != null && m.compatibleVariants.length) {
                    for (var i = 0; i < m.compatibleVariants.length; ++i)
                        w.uint32(/* id 5, wireType 2 =*/42).string(m.compatibleVariants[i]);
                }
                if (m.minBaseImage != null && $Object.hasOwnProperty.call(m, "minBaseImage") && m.minBaseImage !== "")
                    w.uint32(/* id 6, wireType 2 =*/50).string(m.minBaseImage);
                if (m.createdAt != null && $Object.hasOwnProperty.call(m, "createdAt") && (typeof m.createdAt === "object" ? m.createdAt.low || m.createdAt.high : m.createdAt !== 0))
                    w.uint32(/* id 7, wireType 0 =*/56).uint64(m.createdAt);
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt") && (typeof m.expiresAt === "object" ? m.expiresAt.low || m.expiresAt.high : m.expiresAt !== 0))
                    w.uint32(/* id 8, wireType 0 =*/64).uint64(m.expiresAt);
                if (m.notes != null && $Object.hasOwnProperty.call(m, "notes") && m.notes !== "")
                    w.uint32(/* id 9, wireType 2 =*/74).string(m.notes);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ReleaseManifest message, length delimited. Does not implicitly {@link verge.v1.ReleaseManifest.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {verge.v1.ReleaseManifest.$Properties} message ReleaseManifest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ReleaseManifest.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ReleaseManifest message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape} ReleaseManifest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ReleaseManifest.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.ReleaseManifest();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.releaseId = v;
                            else
                                delete m.releaseId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.counter = v;
                            else
                                delete m.counter;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.version = v;
                            else
                                delete m.version;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if (!(m.components && m.components.length))
                                m.components = [];
                            m.components.push($root.verge.v1.Component.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if (!(m.compatibleVariants && m.compatibleVariants.length))
                                m.compatibleVariants = [];
                            m.compatibleVariants.push(r.stringVerify());
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.minBaseImage = v;
                            else
                                delete m.minBaseImage;
                            continue;
                        }
                    case 7: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.createdAt = v;
                            else
                                delete m.createdAt;
                            continue;
                        }
                    case 8: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.expiresAt = v;
                            else
                                delete m.expiresAt;
                            continue;
                        }
                    case 9: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.notes = v;
                            else
                                delete m.notes;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a ReleaseManifest message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape} ReleaseManifest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ReleaseManifest.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ReleaseManifest message.
             * @function verify
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ReleaseManifest.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    if (!$util.isString(m.releaseId))
                        return "releaseId: string expected";
                }
                if (m.counter != null && $Object.hasOwnProperty.call(m, "counter")) {
                    if (!$util.isInteger(m.counter) && !(m.counter && $util.isInteger(m.counter.low) && $util.isInteger(m.counter.high)))
                        return "counter: integer|Long expected";
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    if (!$util.isString(m.version))
                        return "version: string expected";
                }
                if (m.components != null && $Object.hasOwnProperty.call(m, "components")) {
                    if (!$Array.isArray(m.components))
                        return "components: array expected";
                    for (var i = 0; i < m.components.length; ++i) {
                        {
                            var e = $root.verge.v1.Component.verify(m.components[i], q + 1);
                            if (e)
                                return "components." + e;
                        }
                    }
                }
                if (m.compatibleVariants != null && $Object.hasOwnProperty.call(m, "compatibleVariants")) {
                    if (!$Array.isArray(m.compatibleVariants))
                        return "compatibleVariants: array expected";
                    for (var i = 0; i < m.compatibleVariants.length; ++i) {
                        if (!$util.isString(m.compatibleVariants[i]))
                            return "compatibleVariants: string[] expected";
                    }
                }
                if (m.minBaseImage != null && $Object.hasOwnProperty.call(m, "minBaseImage")) {
                    if (!$util.isString(m.minBaseImage))
                        return "minBaseImage: string expected";
                }
                if (m.createdAt != null && $Object.hasOwnProperty.call(m, "createdAt")) {
                    if (!$util.isInteger(m.createdAt) && !(m.createdAt && $util.isInteger(m.createdAt.low) && $util.isInteger(m.createdAt.high)))
                        return "createdAt: integer|Long expected";
                }
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt")) {
                    if (!$util.isInteger(m.expiresAt) && !(m.expiresAt && $util.isInteger(m.expiresAt.low) && $util.isInteger(m.expiresAt.high)))
                        return "expiresAt: integer|Long expected";
                }
                if (m.notes != null && $Object.hasOwnProperty.call(m, "notes")) {
                    if (!$util.isString(m.notes))
                        return "notes: string expected";
                }
                return null;
            };

            /**
             * Creates a ReleaseManifest message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.ReleaseManifest} ReleaseManifest
             */
            ReleaseManifest.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.ReleaseManifest)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.ReleaseManifest: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.ReleaseManifest();
                if (d.releaseId != null) {
                    if (typeof d.releaseId !== "string" || d.releaseId.length) {
                        m.releaseId = $String(d.releaseId);
                    }
                }
                if (d.counter != null) {
                    if (typeof d.counter === "object" ? d.counter.low || d.counter.high : $Number(d.counter) !== 0) {
                        if ($util.Long)
                            m.counter = $util.Long.fromValue(d.counter, true);
                        else if (typeof d.counter === "string")
                            m.counter = $parseInt(d.counter, 10);
                        else if (typeof d.counter === "number")
                            m.counter = d.counter;
                        else if (typeof d.counter === "object")
                            m.counter = new $util.LongBits(d.counter.low >>> 0, d.counter.high >>> 0).toNumber(true);
                    }
                }
                if (d.version != null) {
                    if (typeof d.version !== "string" || d.version.length) {
                        m.version = $String(d.version);
                    }
                }
                if (d.components) {
                    if (!$Array.isArray(d.components))
                        throw $TypeError(".verge.v1.ReleaseManifest.components: array expected");
                    m.components = $Array(d.components.length);
                    for (var i = 0; i < d.components.length; ++i) {
                        if (!$util.isObject(d.components[i]))
                            throw $TypeError(".verge.v1.ReleaseManifest.components: object expected");
                        m.components[i] = $root.verge.v1.Component.fromObject(d.components[i], q + 1);
                    }
                }
                if (d.compatibleVariants) {
                    if (!$Array.isArray(d.compatibleVariants))
                        throw $TypeError(".verge.v1.ReleaseManifest.compatibleVariants: array expected");
                    m.compatibleVariants = $Array(d.compatibleVariants.length);
                    for (var i = 0; i < d.compatibleVariants.length; ++i) {
                        m.compatibleVariants[i] = $String(d.compatibleVariants[i]);
                    }
                }
                if (d.minBaseImage != null) {
                    if (typeof d.minBaseImage !== "string" || d.minBaseImage.length) {
                        m.minBaseImage = $String(d.minBaseImage);
                    }
                }
                if (d.createdAt != null) {
                    if (typeof d.createdAt === "object" ? d.createdAt.low || d.createdAt.high : $Number(d.createdAt) !== 0) {
                        if ($util.Long)
                            m.createdAt = $util.Long.fromValue(d.createdAt, true);
                        else if (typeof d.createdAt === "string")
                            m.createdAt = $parseInt(d.createdAt, 10);
                        else if (typeof d.createdAt === "number")
                            m.createdAt = d.createdAt;
                        else if (typeof d.createdAt === "object")
                            m.createdAt = new $util.LongBits(d.createdAt.low >>> 0, d.createdAt.high >>> 0).toNumber(true);
                    }
                }
                if (d.expiresAt != null) {
                    if (typeof d.expiresAt === "object" ? d.expiresAt.low || d.expiresAt.high : $Number(d.expiresAt) !== 0) {
                        if ($util.Long)
                            m.expiresAt = $util.Long.fromValue(d.expiresAt, true);
                        else if (typeof d.expiresAt === "string")
                            m.expiresAt = $parseInt(d.expiresAt, 10);
                        else if (typeof d.expiresAt === "number")
                            m.expiresAt = d.expiresAt;
                        else if (typeof d.expiresAt === "object")
                            m.expiresAt = new $util.LongBits(d.expiresAt.low >>> 0, d.expiresAt.high >>> 0).toNumber(true);
                    }
                }
                if (d.notes != null) {
                    if (typeof d.notes !== "string" || d.notes.length) {
                        m.notes = $String(d.notes);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a ReleaseManifest message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {verge.v1.ReleaseManifest} m ReleaseManifest
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ReleaseManifest.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.components = [];
                    d.compatibleVariants = [];
                }
                if (o.defaults) {
                    d.releaseId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.counter = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.counter = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.version = "";
                    d.minBaseImage = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.createdAt = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.createdAt = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.expiresAt = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.expiresAt = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.notes = "";
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    d.releaseId = m.releaseId;
                }
                if (m.counter != null && $Object.hasOwnProperty.call(m, "counter")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.counter = typeof m.counter === "number" ? $BigInt(m.counter) : $util.Long.fromBits(m.counter.low >>> 0, m.counter.high >>> 0, true).toBigInt();
                    else if (typeof m.counter === "number")
                        d.counter = o.longs === $String ? $String(m.counter) : m.counter;
                    else
                        d.counter = o.longs === $String ? $util.Long.prototype.toString.call(m.counter) : o.longs === $Number ? new $util.LongBits(m.counter.low >>> 0, m.counter.high >>> 0).toNumber(true) : m.counter;
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    d.version = m.version;
                }
                if (m.components && m.components.length) {
                    d.components = $Array(m.components.length);
                    for (var j = 0; j < m.components.length; ++j) {
                        d.components[j] = $root.verge.v1.Component.toObject(m.components[j], o, q + 1);
                    }
                }
                if (m.compatibleVariants && m.compatibleVariants.length) {
                    d.compatibleVariants = $Array(m.compatibleVariants.length);
                    for (var j = 0; j < m.compatibleVariants.length; ++j) {
                        d.compatibleVariants[j] = m.compatibleVariants[j];
                    }
                }
                if (m.minBaseImage != null && $Object.hasOwnProperty.call(m, "minBaseImage")) {
                    d.minBaseImage = m.minBaseImage;
                }
                if (m.createdAt != null && $Object.hasOwnProperty.call(m, "createdAt")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.createdAt = typeof m.createdAt === "number" ? $BigInt(m.createdAt) : $util.Long.fromBits(m.createdAt.low >>> 0, m.createdAt.high >>> 0, true).toBigInt();
                    else if (typeof m.createdAt === "number")
                        d.createdAt = o.longs === $String ? $String(m.createdAt) : m.createdAt;
                    else
                        d.createdAt = o.longs === $String ? $util.Long.prototype.toString.call(m.createdAt) : o.longs === $Number ? new $util.LongBits(m.createdAt.low >>> 0, m.createdAt.high >>> 0).toNumber(true) : m.createdAt;
                }
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.expiresAt = typeof m.expiresAt === "number" ? $BigInt(m.expiresAt) : $util.Long.fromBits(m.expiresAt.low >>> 0, m.expiresAt.high >>> 0, true).toBigInt();
                    else if (typeof m.expiresAt === "number")
                        d.expiresAt = o.longs === $String ? $String(m.expiresAt) : m.expiresAt;
                    else
                        d.expiresAt = o.longs === $String ? $util.Long.prototype.toString.call(m.expiresAt) : o.longs === $Number ? new $util.LongBits(m.expiresAt.low >>> 0, m.expiresAt.high >>> 0).toNumber(true) : m.expiresAt;
                }
                if (m.notes != null && $Object.hasOwnProperty.call(m, "notes")) {
                    d.notes = m.notes;
                }
                return d;
            };

            /**
             * Converts this ReleaseManifest to JSON.
             * @function toJSON
             * @memberof verge.v1.ReleaseManifest
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ReleaseManifest.prototype.toJSON = function() {
                return ReleaseManifest.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ReleaseManifest
             * @function getTypeUrl
             * @memberof verge.v1.ReleaseManifest
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ReleaseManifest.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.ReleaseManifest";
            };

            return ReleaseManifest;
        })();

        v1.MaintenanceWindow = (function() {

            /**
             * Properties of a MaintenanceWindow.
             * @typedef {Object} verge.v1.MaintenanceWindow.$Properties
             * @property {string|null} [cron] MaintenanceWindow cron
             * @property {number|null} [durationS] MaintenanceWindow durationS
             * @property {string|null} [timezone] MaintenanceWindow timezone
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a MaintenanceWindow.
             * @memberof verge.v1
             * @interface IMaintenanceWindow
             * @augments verge.v1.MaintenanceWindow.$Properties
             * @deprecated Use verge.v1.MaintenanceWindow.$Properties instead.
             */

            /**
             * Shape of a MaintenanceWindow.
             * @typedef {verge.v1.MaintenanceWindow.$Properties} verge.v1.MaintenanceWindow.$Shape
             */

            /**
             * Constructs a new MaintenanceWindow.
             * @memberof verge.v1
             * @classdesc Represents a MaintenanceWindow.
             * @constructor
             * @param {verge.v1.MaintenanceWindow.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const MaintenanceWindow = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * MaintenanceWindow cron.
             * @member {string} cron
             * @memberof verge.v1.MaintenanceWindow
             * @instance
             */
            MaintenanceWindow.prototype.cron = "";

            /**
             * MaintenanceWindow durationS.
             * @member {number} durationS
             * @memberof verge.v1.MaintenanceWindow
             * @instance
             */
            MaintenanceWindow.prototype.durationS = 0;

            /**
             * MaintenanceWindow timezone.
             * @member {string} timezone
             * @memberof verge.v1.MaintenanceWindow
             * @instance
             */
            MaintenanceWindow.prototype.timezone = "";

            /**
             * Creates a new MaintenanceWindow instance using the specified properties.
             * @function create
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {verge.v1.MaintenanceWindow.$Properties=} [properties] Properties to set
             * @returns {verge.v1.MaintenanceWindow} MaintenanceWindow instance
             * @type {{
             *   (properties: verge.v1.MaintenanceWindow.$Shape): verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape;
             *   (properties?: verge.v1.MaintenanceWindow.$Properties): verge.v1.MaintenanceWindow;
             * }}
             */
            MaintenanceWindow.create = function(properties) {
                return new MaintenanceWindow(properties);
            };

            /**
             * Encodes the specified MaintenanceWindow message. Does not implicitly {@link verge.v1.MaintenanceWindow.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {verge.v1.MaintenanceWindow.$Properties} m MaintenanceWindow message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            MaintenanceWindow.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.cron != null && $Object.hasOwnProperty.call(m, "cron") && m.cron !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.cron);
                if (m.durationS != null && $Object.hasOwnProperty.call(m, "durationS") && m.durationS !== 0)
                    w.uint32(/* id 2, wireType 0 =*/16).uint32(m.durationS);
                if (m.timezone != null && $Object.hasOwnProperty.call(m, "timezone") && m.timezone !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.timezone);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified MaintenanceWindow message, length delimited. Does not implicitly {@link verge.v1.MaintenanceWindow.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {verge.v1.MaintenanceWindow.$Properties} message MaintenanceWindow message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            MaintenanceWindow.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a MaintenanceWindow message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape} MaintenanceWindow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            MaintenanceWindow.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.MaintenanceWindow();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.cron = v;
                            else
                                delete m.cron;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (v = r.uint32())
                                m.durationS = v;
                            else
                                delete m.durationS;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.timezone = v;
                            else
                                delete m.timezone;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a MaintenanceWindow message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape} MaintenanceWindow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            MaintenanceWindow.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a MaintenanceWindow message.
             * @function verify
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            MaintenanceWindow.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.cron != null && $Object.hasOwnProperty.call(m, "cron")) {
                    if (!$util.isString(m.cron))
                        return "cron: string expected";
                }
                if (m.durationS != null && $Object.hasOwnProperty.call(m, "durationS")) {
                    if (!$util.isInteger(m.durationS))
                        return "durationS: integer expected";
                }
                if (m.timezone != null && $Object.hasOwnProperty.call(m, "timezone")) {
                    if (!$util.isString(m.timezone))
                        return "timezone: string expected";
                }
                return null;
            };

            /**
             * Creates a MaintenanceWindow message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.MaintenanceWindow} MaintenanceWindow
             */
            MaintenanceWindow.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.MaintenanceWindow)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.MaintenanceWindow: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.MaintenanceWindow();
                if (d.cron != null) {
                    if (typeof d.cron !== "string" || d.cron.length) {
                        m.cron = $String(d.cron);
                    }
                }
                if (d.durationS != null) {
                    if ($Number(d.durationS) !== 0) {
                        m.durationS = d.durationS >>> 0;
                    }
                }
                if (d.timezone != null) {
                    if (typeof d.timezone !== "string" || d.timezone.length) {
                        m.timezone = $String(d.timezone);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a MaintenanceWindow message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {verge.v1.MaintenanceWindow} m MaintenanceWindow
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            MaintenanceWindow.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.cron = "";
                    d.durationS = 0;
                    d.timezone = "";
                }
                if (m.cron != null && $Object.hasOwnProperty.call(m, "cron")) {
                    d.cron = m.cron;
                }
                if (m.durationS != null && $Object.hasOwnProperty.call(m, "durationS")) {
                    d.durationS = m.durationS;
                }
                if (m.timezone != null && $Object.hasOwnProperty.call(m, "timezone")) {
                    d.timezone = m.timezone;
                }
                return d;
            };

            /**
             * Converts this MaintenanceWindow to JSON.
             * @function toJSON
             * @memberof verge.v1.MaintenanceWindow
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            MaintenanceWindow.prototype.toJSON = function() {
                return MaintenanceWindow.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for MaintenanceWindow
             * @function getTypeUrl
             * @memberof verge.v1.MaintenanceWindow
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            MaintenanceWindow.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.MaintenanceWindow";
            };

            return MaintenanceWindow;
        })();

        /**
         * DesiredAction enum.
         * @name verge.v1.DesiredAction
         * @enum {number}
         * @property {number} DESIRED_ACTION_UNSPECIFIED=0 DESIRED_ACTION_UNSPECIFIED value
         * @property {number} DESIRED_ACTION_INSTALL=1 DESIRED_ACTION_INSTALL value
         * @property {number} DESIRED_ACTION_ROLLBACK=2 DESIRED_ACTION_ROLLBACK value
         * @property {number} DESIRED_ACTION_NONE=3 DESIRED_ACTION_NONE value
         */
        v1.DesiredAction = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "DESIRED_ACTION_UNSPECIFIED"] = 0;
            values[valuesById[1] = "DESIRED_ACTION_INSTALL"] = 1;
            values[valuesById[2] = "DESIRED_ACTION_ROLLBACK"] = 2;
            values[valuesById[3] = "DESIRED_ACTION_NONE"] = 3;
            return values;
        })();

        v1.DesiredState = (function() {

            /**
             * Properties of a DesiredState.
             * @typedef {Object} verge.v1.DesiredState.$Properties
             * @property {string|null} [deviceId] DesiredState deviceId
             * @property {number|null} [seq] DesiredState seq
             * @property {number|null} [issuedAt] DesiredState issuedAt
             * @property {number|null} [expiresAt] DesiredState expiresAt
             * @property {verge.v1.DesiredAction|null} [action] DesiredState action
             * @property {string|null} [releaseId] DesiredState releaseId
             * @property {string|null} [rolloutId] DesiredState rolloutId
             * @property {string|null} [stage] DesiredState stage
             * @property {boolean|null} [activate] DesiredState activate
             * @property {verge.v1.MaintenanceWindow.$Properties|null} [maintenanceWindow] DesiredState maintenanceWindow
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a DesiredState.
             * @memberof verge.v1
             * @interface IDesiredState
             * @augments verge.v1.DesiredState.$Properties
             * @deprecated Use verge.v1.DesiredState.$Properties instead.
             */

            /**
             * Shape of a DesiredState.
             * @typedef {verge.v1.DesiredState.$Properties} verge.v1.DesiredState.$Shape
             */

            /**
             * Constructs a new DesiredState.
             * @memberof verge.v1
             * @classdesc Represents a DesiredState.
             * @constructor
             * @param {verge.v1.DesiredState.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const DesiredState = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * DesiredState deviceId.
             * @member {string} deviceId
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.deviceId = "";

            /**
             * DesiredState seq.
             * @member {number} seq
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * DesiredState issuedAt.
             * @member {number} issuedAt
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.issuedAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * DesiredState expiresAt.
             * @member {number} expiresAt
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.expiresAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * DesiredState action.
             * @member {verge.v1.DesiredAction} action
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.action = 0;

            /**
             * DesiredState releaseId.
             * @member {string} releaseId
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.releaseId = "";

            /**
             * DesiredState rolloutId.
             * @member {string} rolloutId
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.rolloutId = "";

            /**
             * DesiredState stage.
             * @member {string} stage
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.stage = "";

            /**
             * DesiredState activate.
             * @member {boolean} activate
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.activate = false;

            /**
             * DesiredState maintenanceWindow.
             * @member {verge.v1.MaintenanceWindow.$Properties|null|undefined} maintenanceWindow
             * @memberof verge.v1.DesiredState
             * @instance
             */
            DesiredState.prototype.maintenanceWindow = null;

            /**
             * Creates a new DesiredState instance using the specified properties.
             * @function create
             * @memberof verge.v1.DesiredState
             * @static
             * @param {verge.v1.DesiredState.$Properties=} [properties] Properties to set
             * @returns {verge.v1.DesiredState} DesiredState instance
             * @type {{
             *   (properties: verge.v1.DesiredState.$Shape): verge.v1.DesiredState & verge.v1.DesiredState.$Shape;
             *   (properties?: verge.v1.DesiredState.$Properties): verge.v1.DesiredState;
             * }}
             */
            DesiredState.create = function(properties) {
                return new DesiredState(properties);
            };

            /**
             * Encodes the specified DesiredState message. Does not implicitly {@link verge.v1.DesiredState.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.DesiredState
             * @static
             * @param {verge.v1.DesiredState.$Properties} m DesiredState message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DesiredState.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.issuedAt != null && $Object.hasOwnProperty.call(m, "issuedAt") && (typeof m.issuedAt === "object" ? m.issuedAt.low || m.issuedAt.high : m.issuedAt !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.issuedAt);
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt") && (typeof m.expiresAt === "object" ? m.expiresAt.low || m.expiresAt.high : m.expiresAt !== 0))
                    w.uint32(/* id 4, wireType 0 =*/32).uint64(m.expiresAt);
                if (m.action != null && $Object.hasOwnProperty.call(m, "action") && m.action !== 0)
                    w.uint32(/* id 5, wireType 0 =*/40).int32(m.action);
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId") && m.releaseId !== "")
                    w.uint32(/* id 6, wireType 2 =*/50).string(m.releaseId);
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId") && m.rolloutId !== "")
                    w.uint32(/* id 7, wireType 2 =*/58).string(m.rolloutId);
                if (m.stage != null && $Object.hasOwnProperty.call(m, "stage") && m.stage !== "")
                    w.uint32(/* id 8, wireType 2 =*/66).string(m.stage);
                if (m.activate != null && $Object.hasOwnProperty.call(m, "activate") && m.activate !== false)
                    w.uint32(/* id 9, wireType 0 =*/72).bool(m.activate);
                if (m.maintenanceWindow != null && $Object.hasOwnProperty.call(m, "maintenanceWindow"))
                    $root.verge.v1.MaintenanceWindow.encode(m.maintenanceWindow, w.uint32(/* id 10, wireType 2 =*/82).fork(), q + 1).ldelim();
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified DesiredState message, length delimited. Does not implicitly {@link verge.v1.DesiredState.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.DesiredState
             * @static
             * @param {verge.v1.DesiredState.$Properties} message DesiredState message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DesiredState.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a DesiredState message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.DesiredState
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.DesiredState & verge.v1.DesiredState.$Shape} DesiredState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DesiredState.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.DesiredState();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.issuedAt = v;
                            else
                                delete m.issuedAt;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.expiresAt = v;
                            else
                                delete m.expiresAt;
                            continue;
                        }
                    case 5: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.action = v;
                            else
                                delete m.action;
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.releaseId = v;
                            else
                                delete m.releaseId;
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.rolloutId = v;
                            else
                                delete m.rolloutId;
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.stage = v;
                            else
                                delete m.stage;
                            continue;
                        }
                    case 9: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.activate = v;
                            else
                                delete m.activate;
                            continue;
                        }
                    case 10: {
                            if (u !== 2)
                                break;
                            m.maintenanceWindow = $root.verge.v1.MaintenanceWindow.decode(r, r.size(), $undefined, q + 1, m.maintenanceWindow);
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a DesiredState message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.DesiredState
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.DesiredState & verge.v1.DesiredState.$Shape} DesiredState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DesiredState.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a DesiredState message.
             * @function verify
             * @memberof verge.v1.DesiredState
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            DesiredState.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    if (!$util.isString(m.deviceId))
                        return "deviceId: string expected";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (!$util.isInteger(m.seq) && !(m.seq && $util.isInteger(m.seq.low) && $util.isInteger(m.seq.high)))
                        return "seq: integer|Long expected";
                }
                if (m.issuedAt != null && $Object.hasOwnProperty.call(m, "issuedAt")) {
                    if (!$util.isInteger(m.issuedAt) && !(m.issuedAt && $util.isInteger(m.issuedAt.low) && $util.isInteger(m.issuedAt.high)))
                        return "issuedAt: integer|Long expected";
                }
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt")) {
                    if (!$util.isInteger(m.expiresAt) && !(m.expiresAt && $util.isInteger(m.expiresAt.low) && $util.isInteger(m.expiresAt.high)))
                        return "expiresAt: integer|Long expected";
                }
                if (m.action != null && $Object.hasOwnProperty.call(m, "action")) {
                    if (typeof m.action !== "number" || (m.action | 0) !== m.action)
                        return "action: enum value expected";
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    if (!$util.isString(m.releaseId))
                        return "releaseId: string expected";
                }
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId")) {
                    if (!$util.isString(m.rolloutId))
                        return "rolloutId: string expected";
                }
                if (m.stage != null && $Object.hasOwnProperty.call(m, "stage")) {
                    if (!$util.isString(m.stage))
                        return "stage: string expected";
                }
                if (m.activate != null && $Object.hasOwnProperty.call(m, "activate")) {
                    if (typeof m.activate !== "boolean")
                        return "activate: boolean expected";
                }
                if (m.maintenanceWindow != null && $Object.hasOwnProperty.call(m, "maintenanceWindow")) {
                    {
                        var e = $root.verge.v1.MaintenanceWindow.verify(m.maintenanceWindow, q + 1);
                        if (e)
                            return "maintenanceWindow." + e;
                    }
                }
                return null;
            };

            /**
             * Creates a DesiredState message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.DesiredState
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.DesiredState} DesiredState
             */
            DesiredState.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.DesiredState)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.DesiredState: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.DesiredState();
                if (d.deviceId != null) {
                    if (typeof d.deviceId !== "string" || d.deviceId.length) {
                        m.deviceId = $String(d.deviceId);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.issuedAt != null) {
                    if (typeof d.issuedAt === "object" ? d.issuedAt.low || d.issuedAt.high : $Number(d.issuedAt) !== 0) {
                        if ($util.Long)
                            m.issuedAt = $util.Long.fromValue(d.issuedAt, true);
                        else if (typeof d.issuedAt === "string")
                            m.issuedAt = $parseInt(d.issuedAt, 10);
                        else if (typeof d.issuedAt === "number")
                            m.issuedAt = d.issuedAt;
                        else if (typeof d.issuedAt === "object")
                            m.issuedAt = new $util.LongBits(d.issuedAt.low >>> 0, d.issuedAt.high >>> 0).toNumber(true);
                    }
                }
                if (d.expiresAt != null) {
                    if (typeof d.expiresAt === "object" ? d.expiresAt.low || d.expiresAt.high : $Number(d.expiresAt) !== 0) {
                        if ($util.Long)
                            m.expiresAt = $util.Long.fromValue(d.expiresAt, true);
                        else if (typeof d.expiresAt === "string")
                            m.expiresAt = $parseInt(d.expiresAt, 10);
                        else if (typeof d.expiresAt === "number")
                            m.expiresAt = d.expiresAt;
                        else if (typeof d.expiresAt === "object")
                            m.expiresAt = new $util.LongBits(d.expiresAt.low >>> 0, d.expiresAt.high >>> 0).toNumber(true);
                    }
                }
                if (d.action !== 0 && (typeof d.action !== "string" || $root.verge.v1.DesiredAction[d.action] !== 0)) {
                    switch (d.action) {
                    case "DESIRED_ACTION_UNSPECIFIED":
                    case 0:
                        m.action = 0;
                        break;
                    case "DESIRED_ACTION_INSTALL":
                    case 1:
                        m.action = 1;
                        break;
                    case "DESIRED_ACTION_ROLLBACK":
                    case 2:
                        m.action = 2;
                        break;
                    case "DESIRED_ACTION_NONE":
                    case 3:
                        m.action = 3;
                        break;
                    default:
                        if (typeof d.action === "number" && (d.action | 0) === d.action)
                            m.action = d.action;
                    }
                }
                if (d.releaseId != null) {
                    if (typeof d.releaseId !== "string" || d.releaseId.length) {
                        m.releaseId = $String(d.releaseId);
                    }
                }
                if (d.rolloutId != null) {
                    if (typeof d.rolloutId !== "string" || d.rolloutId.length) {
                        m.rolloutId = $String(d.rolloutId);
                    }
                }
                if (d.stage != null) {
                    if (typeof d.stage !== "string" || d.stage.length) {
                        m.stage = $String(d.stage);
                    }
                }
                if (d.activate != null) {
                    if (d.activate) {
                        m.activate = $Boolean(d.activate);
                    }
                }
                if (d.maintenanceWindow != null) {
                    if (!$util.isObject(d.maintenanceWindow))
                        throw $TypeError(".verge.v1.DesiredState.maintenanceWindow: object expected");
                    m.maintenanceWindow = $root.verge.v1.MaintenanceWindow.fromObject(d.maintenanceWindow, q + 1);
                }
                return m;
            };

            /**
             * Creates a plain object from a DesiredState message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.DesiredState
             * @static
             * @param {verge.v1.DesiredState} m DesiredState
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            DesiredState.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.deviceId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.issuedAt = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.issuedAt = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.expiresAt = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.expiresAt = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.action = o.enums === $String ? "DESIRED_ACTION_UNSPECIFIED" : 0;
                    d.releaseId = "";
                    d.rolloutId = "";
                    d.stage = "";
                    d.activate = false;
                    d.maintenanceWindow = null;
                }
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    d.deviceId = m.deviceId;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.issuedAt != null && $Object.hasOwnProperty.call(m, "issuedAt")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.issuedAt = typeof m.issuedAt === "number" ? $BigInt(m.issuedAt) : $util.Long.fromBits(m.issuedAt.low >>> 0, m.issuedAt.high >>> 0, true).toBigInt();
                    else if (typeof m.issuedAt === "number")
                        d.issuedAt = o.longs === $String ? $String(m.issuedAt) : m.issuedAt;
                    else
                        d.issuedAt = o.longs === $String ? $util.Long.prototype.toString.call(m.issuedAt) : o.longs === $Number ? new $util.LongBits(m.issuedAt.low >>> 0, m.issuedAt.high >>> 0).toNumber(true) : m.issuedAt;
                }
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.expiresAt = typeof m.expiresAt === "number" ? $BigInt(m.expiresAt) : $util.Long.fromBits(m.expiresAt.low >>> 0, m.expiresAt.high >>> 0, true).toBigInt();
                    else if (typeof m.expiresAt === "number")
                        d.expiresAt = o.longs === $String ? $String(m.expiresAt) : m.expiresAt;
                    else
                        d.expiresAt = o.longs === $String ? $util.Long.prototype.toString.call(m.expiresAt) : o.longs === $Number ? new $util.LongBits(m.expiresAt.low >>> 0, m.expiresAt.high >>> 0).toNumber(true) : m.expiresAt;
                }
                if (m.action != null && $Object.hasOwnProperty.call(m, "action")) {
                    d.action = o.enums === $String ? $root.verge.v1.DesiredAction[m.action] === $undefined ? m.action : $root.verge.v1.DesiredAction[m.action] : m.action;
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    d.releaseId = m.releaseId;
                }
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId")) {
                    d.rolloutId = m.rolloutId;
                }
                if (m.stage != null && $Object.hasOwnProperty.call(m, "stage")) {
                    d.stage = m.stage;
                }
                if (m.activate != null && $Object.hasOwnProperty.call(m, "activate")) {
                    d.activate = m.activate;
                }
                if (m.maintenanceWindow != null && $Object.hasOwnProperty.call(m, "maintenanceWindow")) {
                    d.maintenanceWindow = $root.verge.v1.MaintenanceWindow.toObject(m.maintenanceWindow, o, q + 1);
                }
                return d;
            };

            /**
             * Converts this DesiredState to JSON.
             * @function toJSON
             * @memberof verge.v1.DesiredState
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            DesiredState.prototype.toJSON = function() {
                return DesiredState.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for DesiredState
             * @function getTypeUrl
             * @memberof verge.v1.DesiredState
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            DesiredState.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.DesiredState";
            };

            return DesiredState;
        })();

        /**
         * CommandType enum.
         * @name verge.v1.CommandType
         * @enum {number}
         * @property {number} COMMAND_TYPE_UNSPECIFIED=0 COMMAND_TYPE_UNSPECIFIED value
         * @property {number} COMMAND_TYPE_ROLLBACK=1 COMMAND_TYPE_ROLLBACK value
         * @property {number} COMMAND_TYPE_COLLECT_DIAGNOSTICS=2 COMMAND_TYPE_COLLECT_DIAGNOSTICS value
         * @property {number} COMMAND_TYPE_REPORT_INVENTORY=3 COMMAND_TYPE_REPORT_INVENTORY value
         * @property {number} COMMAND_TYPE_CANCEL=4 COMMAND_TYPE_CANCEL value
         */
        v1.CommandType = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "COMMAND_TYPE_UNSPECIFIED"] = 0;
            values[valuesById[1] = "COMMAND_TYPE_ROLLBACK"] = 1;
            values[valuesById[2] = "COMMAND_TYPE_COLLECT_DIAGNOSTICS"] = 2;
            values[valuesById[3] = "COMMAND_TYPE_REPORT_INVENTORY"] = 3;
            values[valuesById[4] = "COMMAND_TYPE_CANCEL"] = 4;
            return values;
        })();

        v1.Command = (function() {

            /**
             * Properties of a Command.
             * @typedef {Object} verge.v1.Command.$Properties
             * @property {string|null} [deviceId] Command deviceId
             * @property {number|null} [seq] Command seq
             * @property {number|null} [issuedAt] Command issuedAt
             * @property {number|null} [expiresAt] Command expiresAt
             * @property {string|null} [commandId] Command commandId
             * @property {verge.v1.CommandType|null} [type] Command type
             * @property {string|null} [rolloutId] Command rolloutId
             * @property {string|null} [releaseId] Command releaseId
             * @property {Object.<string,string>|null} [args] Command args
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Command.
             * @memberof verge.v1
             * @interface ICommand
             * @augments verge.v1.Command.$Properties
             * @deprecated Use verge.v1.Command.$Properties instead.
             */

            /**
             * Shape of a Command.
             * @typedef {verge.v1.Command.$Properties} verge.v1.Command.$Shape
             */

            /**
             * Constructs a new Command.
             * @memberof verge.v1
             * @classdesc Represents a Command.
             * @constructor
             * @param {verge.v1.Command.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Command = function (p) {
                this.args = {};
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Command deviceId.
             * @member {string} deviceId
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.deviceId = "";

            /**
             * Command seq.
             * @member {number} seq
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Command issuedAt.
             * @member {number} issuedAt
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.issuedAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Command expiresAt.
             * @member {number} expiresAt
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.expiresAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Command commandId.
             * @member {string} commandId
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.commandId = "";

            /**
             * Command type.
             * @member {verge.v1.CommandType} type
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.type = 0;

            /**
             * Command rolloutId.
             * @member {string} rolloutId
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.rolloutId = "";

            /**
             * Command releaseId.
             * @member {string} releaseId
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.releaseId = "";

            /**
             * Command args.
             * @member {Object.<string,string>} args
             * @memberof verge.v1.Command
             * @instance
             */
            Command.prototype.args = $util.emptyObject;

            /**
             * Creates a new Command instance using the specified properties.
             * @function create
             * @memberof verge.v1.Command
             * @static
             * @param {verge.v1.Command.$Properties=} [properties] Properties to set
             * @returns {verge.v1.Command} Command instance
             * @type {{
             *   (properties: verge.v1.Command.$Shape): verge.v1.Command & verge.v1.Command.$Shape;
             *   (properties?: verge.v1.Command.$Properties): verge.v1.Command;
             * }}
             */
            Command.create = function(properties) {
                return new Command(properties);
            };

            /**
             * Encodes the specified Command message. Does not implicitly {@link verge.v1.Command.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.Command
             * @static
             * @param {verge.v1.Command.$Properties} m Command message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Command.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.issuedAt != null && $Object.hasOwnProperty.call(m, "issuedAt") && (typeof m.issuedAt === "object" ? m.issuedAt.low || m.issuedAt.high : m.issuedAt !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.issuedAt);
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt") && (typeof m.expiresAt === "object" ? m.expiresAt.low || m.expiresAt.high : m.expiresAt !== 0))
                    w.uint32(/* id 4, wireType 0 =*/32).uint64(m.expiresAt);
                if (m.commandId != null && $Object.hasOwnProperty.call(m, "commandId") && m.commandId !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.commandId);
                if (m.type != null && $Object.hasOwnProperty.call(m, "type") && m.type !== 0)
                    w.uint32(/* id 6, wireType 0 =*/48).int32(m.type);
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId") && m.rolloutId !== "")
                    w.uint32(/* id 7, wireType 2 =*/58).string(m.rolloutId);
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId") && m.releaseId !== "")
                    w.uint32(/* id 8, wireType 2 =*/66).string(m.releaseId);
                if (m.args != null && $Object.hasOwnProperty.call(m, "args")) {
                    for (var ks = $Object.keys(m.args), i = 0; i < ks.length; ++i) {
                        w.uint32(/* id 9, wireType 2 =*/74).fork().uint32(/* id 1, wireType 2 =*/10).string(ks[i]).uint32(/* id 2, wireType 2 =*/18).string(m.args[ks[i]]).ldelim();
                    }
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Command message, length delimited. Does not implicitly {@link verge.v1.Command.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.Command
             * @static
             * @param {verge.v1.Command.$Properties} message Command message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Command.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Command message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.Command
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.Command & verge.v1.Command.$Shape} Command
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Command.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, k, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.Command();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.issuedAt = v;
                            else
                                delete m.issuedAt;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.expiresAt = v;
                            else
                                delete m.expiresAt;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.commandId = v;
                            else
                                delete m.commandId;
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.type = v;
                            else
                                delete m.type;
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.rolloutId = v;
                            else
                                delete m.rolloutId;
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.releaseId = v;
                            else
                                delete m.releaseId;
                            continue;
                        }
                    case 9: {
                            if (u !== 2)
                                break;
                            if (m.args === $util.emptyObject)
                                m.args = {};
                            var c2 = r.size() + r.pos;
                            if (c2 > r.len)
                                throw $RangeError("index out of range");
                            r.len = c2;
                            k = "";
                            v = "";
                            while (r.pos < c2) {
                                var t2 = r.tag();
                                u = t2 & 7;
                                switch (t2 >>>= 3) {
                                case 1:
                                    if (u !== 2)
                                        break;
                                    k = r.stringVerify();
                                    continue;
                                case 2:
                                    if (u !== 2)
                                        break;
                                    v = r.stringVerify();
                                    continue;
                                }
                                r.skipType(u, q, t2);
                            }
                            if (r.pos !== c2)
                                throw $RangeError("index out of range");
                            r.len = c;
                            if (k === "__proto__")
                                $util.makeProp(m.args, k);
                            m.args[k] = v;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Command message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.Command
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.Command & verge.v1.Command.$Shape} Command
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Command.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Command message.
             * @function verify
             * @memberof verge.v1.Command
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Command.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    if (!$util.isString(m.deviceId))
                        return "deviceId: string expected";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (!$util.isInteger(m.seq) && !(m.seq && $util.isInteger(m.seq.low) && $util.isInteger(m.seq.high)))
                        return "seq: integer|Long expected";
                }
                if (m.issuedAt != null && $Object.hasOwnProperty.call(m, "issuedAt")) {
                    if (!$util.isInteger(m.issuedAt) && !(m.issuedAt && $util.isInteger(m.issuedAt.low) && $util.isInteger(m.issuedAt.high)))
                        return "issuedAt: integer|Long expected";
                }
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt")) {
                    if (!$util.isInteger(m.expiresAt) && !(m.expiresAt && $util.isInteger(m.expiresAt.low) && $util.isInteger(m.expiresAt.high)))
                        return "expiresAt: integer|Long expected";
                }
                if (m.commandId != null && $Object.hasOwnProperty.call(m, "commandId")) {
                    if (!$util.isString(m.commandId))
                        return "commandId: string expected";
                }
                if (m.type != null && $Object.hasOwnProperty.call(m, "type")) {
                    if (typeof m.type !== "number" || (m.type | 0) !== m.type)
                        return "type: enum value expected";
                }
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId")) {
                    if (!$util.isString(m.rolloutId))
                        return "rolloutId: string expected";
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    if (!$util.isString(m.releaseId))
                        return "releaseId: string expected";
                }
                if (m.args != null && $Object.hasOwnProperty.call(m, "args")) {
                    if (!$util.isObject(m.args))
                        return "args: object expected";
                    var k = $Object.keys(m.args);
                    for (var i = 0; i < k.length; ++i) {
                        if (!$util.isString(m.args[k[i]]))
                            return "args: string{k:string} expected";
                    }
                }
                return null;
            };

            /**
             * Creates a Command message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.Command
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.Command} Command
             */
            Command.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.Command)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.Command: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.Command();
                if (d.deviceId != null) {
                    if (typeof d.deviceId !== "string" || d.deviceId.length) {
                        m.deviceId = $String(d.deviceId);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.issuedAt != null) {
                    if (typeof d.issuedAt === "object" ? d.issuedAt.low || d.issuedAt.high : $Number(d.issuedAt) !== 0) {
                        if ($util.Long)
                            m.issuedAt = $util.Long.fromValue(d.issuedAt, true);
                        else if (typeof d.issuedAt === "string")
                            m.issuedAt = $parseInt(d.issuedAt, 10);
                        else if (typeof d.issuedAt === "number")
                            m.issuedAt = d.issuedAt;
                        else if (typeof d.issuedAt === "object")
                            m.issuedAt = new $util.LongBits(d.issuedAt.low >>> 0, d.issuedAt.high >>> 0).toNumber(true);
                    }
                }
                if (d.expiresAt != null) {
                    if (typeof d.expiresAt === "object" ? d.expiresAt.low || d.expiresAt.high : $Number(d.expiresAt) !== 0) {
                        if ($util.Long)
                            m.expiresAt = $util.Long.fromValue(d.expiresAt, true);
                        else if (typeof d.expiresAt === "string")
                            m.expiresAt = $parseInt(d.expiresAt, 10);
                        else if (typeof d.expiresAt === "number")
                            m.expiresAt = d.expiresAt;
                        else if (typeof d.expiresAt === "object")
                            m.expiresAt = new $util.LongBits(d.expiresAt.low >>> 0, d.expiresAt.high >>> 0).toNumber(true);
                    }
                }
                if (d.commandId != null) {
                    if (typeof d.commandId !== "string" || d.commandId.length) {
                        m.commandId = $String(d.commandId);
                    }
                }
                if (d.type !== 0 && (typeof d.type !== "string" || $root.verge.v1.CommandType[d.type] !== 0)) {
                    switch (d.type) {
                    case "COMMAND_TYPE_UNSPECIFIED":
                    case 0:
                        m.type = 0;
                        break;
                    case "COMMAND_TYPE_ROLLBACK":
                    case 1:
                        m.type = 1;
                        break;
                    case "COMMAND_TYPE_COLLECT_DIAGNOSTICS":
                    case 2:
                        m.type = 2;
                        break;
                    case "COMMAND_TYPE_REPORT_INVENTORY":
                    case 3:
                        m.type = 3;
                        break;
                    case "COMMAND_TYPE_CANCEL":
                    case 4:
                        m.type = 4;
                        break;
                    default:
                        if (typeof d.type === "number" && (d.type | 0) === d.type)
                            m.type = d.type;
                    }
                }
                if (d.rolloutId != null) {
                    if (typeof d.rolloutId !== "string" || d.rolloutId.length) {
                        m.rolloutId = $String(d.rolloutId);
                    }
                }
                if (d.releaseId != null) {
                    if (typeof d.releaseId !== "string" || d.releaseId.length) {
                        m.releaseId = $String(d.releaseId);
                    }
                }
                if (d.args) {
                    if (!$util.isObject(d.args))
                        throw $TypeError(".verge.v1.Command.args: object expected");
                    m.args = {};
                    for (var ks = $Object.keys(d.args), i = 0; i < ks.length; ++i) {
                        if (ks[i] === "__proto__")
                            $util.makeProp(m.args, ks[i]);
                        m.args[ks[i]] = $String(d.args[ks[i]]);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Command message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.Command
             * @static
             * @param {verge.v1.Command} m Command
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Command.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.objects || o.defaults) {
                    d.args = {};
                }
                if (o.defaults) {
                    d.deviceId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.issuedAt = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.issuedAt = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.expiresAt = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.expiresAt = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.commandId = "";
                    d.type = o.enums === $String ? "COMMAND_TYPE_UNSPECIFIED" : 0;
                    d.rolloutId = "";
                    d.releaseId = "";
                }
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    d.deviceId = m.deviceId;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.issuedAt != null && $Object.hasOwnProperty.call(m, "issuedAt")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.issuedAt = typeof m.issuedAt === "number" ? $BigInt(m.issuedAt) : $util.Long.fromBits(m.issuedAt.low >>> 0, m.issuedAt.high >>> 0, true).toBigInt();
                    else if (typeof m.issuedAt === "number")
                        d.issuedAt = o.longs === $String ? $String(m.issuedAt) : m.issuedAt;
                    else
                        d.issuedAt = o.longs === $String ? $util.Long.prototype.toString.call(m.issuedAt) : o.longs === $Number ? new $util.LongBits(m.issuedAt.low >>> 0, m.issuedAt.high >>> 0).toNumber(true) : m.issuedAt;
                }
                if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.expiresAt = typeof m.expiresAt === "number" ? $BigInt(m.expiresAt) : $util.Long.fromBits(m.expiresAt.low >>> 0, m.expiresAt.high >>> 0, true).toBigInt();
                    else if (typeof m.expiresAt === "number")
                        d.expiresAt = o.longs === $String ? $String(m.expiresAt) : m.expiresAt;
                    else
                        d.expiresAt = o.longs === $String ? $util.Long.prototype.toString.call(m.expiresAt) : o.longs === $Number ? new $util.LongBits(m.expiresAt.low >>> 0, m.expiresAt.high >>> 0).toNumber(true) : m.expiresAt;
                }
                if (m.commandId != null && $Object.hasOwnProperty.call(m, "commandId")) {
                    d.commandId = m.commandId;
                }
                if (m.type != null && $Object.hasOwnProperty.call(m, "type")) {
                    d.type = o.enums === $String ? $root.verge.v1.CommandType[m.type] === $undefined ? m.type : $root.verge.v1.CommandType[m.type] : m.type;
                }
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId")) {
                    d.rolloutId = m.rolloutId;
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    d.releaseId = m.releaseId;
                }
                var ks2;
                if (m.args && (ks2 = $Object.keys(m.args)).length) {
                    d.args = {};
                    for (var j = 0; j < ks2.length; ++j) {
                        if (ks2[j] === "__proto__")
                            $util.makeProp(d.args, ks2[j]);
                        d.args[ks2[j]] = m.args[ks2[j]];
                    }
                }
                return d;
            };

            /**
             * Converts this Command to JSON.
             * @function toJSON
             * @memberof verge.v1.Command
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Command.prototype.toJSON = function() {
                return Command.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Command
             * @function getTypeUrl
             * @memberof verge.v1.Command
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Command.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.Command";
            };

            return Command;
        })();

        /**
         * DeploymentState enum.
         * @name verge.v1.DeploymentState
         * @enum {number}
         * @property {number} DEPLOYMENT_STATE_UNSPECIFIED=0 DEPLOYMENT_STATE_UNSPECIFIED value
         * @property {number} DEPLOYMENT_STATE_PENDING=1 DEPLOYMENT_STATE_PENDING value
         * @property {number} DEPLOYMENT_STATE_DOWNLOADING=2 DEPLOYMENT_STATE_DOWNLOADING value
         * @property {number} DEPLOYMENT_STATE_VERIFIED=3 DEPLOYMENT_STATE_VERIFIED value
         * @property {number} DEPLOYMENT_STATE_ACTIVATED=4 DEPLOYMENT_STATE_ACTIVATED value
         * @property {number} DEPLOYMENT_STATE_FAILED=5 DEPLOYMENT_STATE_FAILED value
         * @property {number} DEPLOYMENT_STATE_CANCELLED=6 DEPLOYMENT_STATE_CANCELLED value
         * @property {number} DEPLOYMENT_STATE_ROLLING_BACK=7 DEPLOYMENT_STATE_ROLLING_BACK value
         * @property {number} DEPLOYMENT_STATE_ROLLED_BACK=8 DEPLOYMENT_STATE_ROLLED_BACK value
         */
        v1.DeploymentState = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "DEPLOYMENT_STATE_UNSPECIFIED"] = 0;
            values[valuesById[1] = "DEPLOYMENT_STATE_PENDING"] = 1;
            values[valuesById[2] = "DEPLOYMENT_STATE_DOWNLOADING"] = 2;
            values[valuesById[3] = "DEPLOYMENT_STATE_VERIFIED"] = 3;
            values[valuesById[4] = "DEPLOYMENT_STATE_ACTIVATED"] = 4;
            values[valuesById[5] = "DEPLOYMENT_STATE_FAILED"] = 5;
            values[valuesById[6] = "DEPLOYMENT_STATE_CANCELLED"] = 6;
            values[valuesById[7] = "DEPLOYMENT_STATE_ROLLING_BACK"] = 7;
            values[valuesById[8] = "DEPLOYMENT_STATE_ROLLED_BACK"] = 8;
            return values;
        })();

        v1.StateTransition = (function() {

            /**
             * Properties of a StateTransition.
             * @typedef {Object} verge.v1.StateTransition.$Properties
             * @property {string|null} [deviceId] StateTransition deviceId
             * @property {number|null} [seq] StateTransition seq
             * @property {number|null} [eventTime] StateTransition eventTime
             * @property {string|null} [rolloutId] StateTransition rolloutId
             * @property {string|null} [releaseId] StateTransition releaseId
             * @property {verge.v1.DeploymentState|null} [fromState] StateTransition fromState
             * @property {verge.v1.DeploymentState|null} [state] StateTransition state
             * @property {string|null} [reason] StateTransition reason
             * @property {string|null} [detail] StateTransition detail
             * @property {number|null} [bytesDone] StateTransition bytesDone
             * @property {number|null} [bytesTotal] StateTransition bytesTotal
             * @property {number|null} [desiredSeq] StateTransition desiredSeq
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a StateTransition.
             * @memberof verge.v1
             * @interface IStateTransition
             * @augments verge.v1.StateTransition.$Properties
             * @deprecated Use verge.v1.StateTransition.$Properties instead.
             */

            /**
             * Shape of a StateTransition.
             * @typedef {verge.v1.StateTransition.$Properties} verge.v1.StateTransition.$Shape
             */

            /**
             * Constructs a new StateTransition.
             * @memberof verge.v1
             * @classdesc Represents a StateTransition.
             * @constructor
             * @param {verge.v1.StateTransition.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const StateTransition = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * StateTransition deviceId.
             * @member {string} deviceId
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.deviceId = "";

            /**
             * StateTransition seq.
             * @member {number} seq
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * StateTransition eventTime.
             * @member {number} eventTime
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.eventTime = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * StateTransition rolloutId.
             * @member {string} rolloutId
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.rolloutId = "";

            /**
             * StateTransition releaseId.
             * @member {string} releaseId
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.releaseId = "";

            /**
             * StateTransition fromState.
             * @member {verge.v1.DeploymentState} fromState
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.fromState = 0;

            /**
             * StateTransition state.
             * @member {verge.v1.DeploymentState} state
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.state = 0;

            /**
             * StateTransition reason.
             * @member {string} reason
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.reason = "";

            /**
             * StateTransition detail.
             * @member {string} detail
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.detail = "";

            /**
             * StateTransition bytesDone.
             * @member {number} bytesDone
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.bytesDone = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * StateTransition bytesTotal.
             * @member {number} bytesTotal
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.bytesTotal = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * StateTransition desiredSeq.
             * @member {number} desiredSeq
             * @memberof verge.v1.StateTransition
             * @instance
             */
            StateTransition.prototype.desiredSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new StateTransition instance using the specified properties.
             * @function create
             * @memberof verge.v1.StateTransition
             * @static
             * @param {verge.v1.StateTransition.$Properties=} [properties] Properties to set
             * @returns {verge.v1.StateTransition} StateTransition instance
             * @type {{
             *   (properties: verge.v1.StateTransition.$Shape): verge.v1.StateTransition & verge.v1.StateTransition.$Shape;
             *   (properties?: verge.v1.StateTransition.$Properties): verge.v1.StateTransition;
             * }}
             */
            StateTransition.create = function(properties) {
                return new StateTransition(properties);
            };

            /**
             * Encodes the specified StateTransition message. Does not implicitly {@link verge.v1.StateTransition.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.StateTransition
             * @static
             * @param {verge.v1.StateTransition.$Properties} m StateTransition message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            StateTransition.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime") && (typeof m.eventTime === "object" ? m.eventTime.low || m.eventTime.high : m.eventTime !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.eventTime);
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId") && m.rolloutId !== "")
                    w.uint32(/* id 4, wireType 2 =*/34).string(m.rolloutId);
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId") && m.releaseId !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.releaseId);
                if (m.fromState != null && $Object.hasOwnProperty.call(m, "fromState") && m.fromState !== 0)
                    w.uint32(/* id 6, wireType 0 =*/48).int32(m.fromState);
                if (m.state != null && $Object.hasOwnProperty.call(m, "state") && m.state !== 0)
                    w.uint32(/* id 7, wireType 0 =*/56).int32(m.state);
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason") && m.reason !== "")
                    w.uint32(/* id 8, wireType 2 =*/66).string(m.reason);
                if (m.detail != null && $Object.hasOwnProperty.call(m, "detail") && m.detail !== "")
                    w.uint32(/* id 9, wireType 2 =*/74).string(m.detail);
                if (m.bytesDone != null && $Object.hasOwnProperty.call(m, "bytesDone") && (typeof m.bytesDone === "object" ? m.bytesDone.low || m.bytesDone.high : m.bytesDone !== 0))
                    w.uint32(/* id 10, wireType 0 =*/80).uint64(m.bytesDone);
                if (m.bytesTotal != null && $Object.hasOwnProperty.call(m, "bytesTotal") && (typeof m.bytesTotal === "object" ? m.bytesTotal.low || m.bytesTotal.high : m.bytesTotal !== 0))
                    w.uint32(/* id 11, wireType 0 =*/88).uint64(m.bytesTotal);
                if (m.desiredSeq != null && $Object.hasOwnProperty.call(m, "desiredSeq") && (typeof m.desiredSeq === "object" ? m.desiredSeq.low || m.desiredSeq.high : m.desiredSeq !== 0))
                    w.uint32(/* id 12, wireType 0 =*/96).uint64(m.desiredSeq);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified StateTransition message, length delimited. Does not implicitly {@link verge.v1.StateTransition.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.StateTransition
             * @static
             * @param {verge.v1.StateTransition.$Properties} message StateTransition message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            StateTransition.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a StateTransition message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.StateTransition
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.StateTransition & verge.v1.StateTransition.$Shape} StateTransition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            StateTransition.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.StateTransition();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.eventTime = v;
                            else
                                delete m.eventTime;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.rolloutId = v;
                            else
                                delete m.rolloutId;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.releaseId = v;
                            else
                                delete m.releaseId;
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.fromState = v;
                            else
                                delete m.fromState;
                            continue;
                        }
                    case 7: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.state = v;
                            else
                                delete m.state;
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.reason = v;
                            else
                                delete m.reason;
                            continue;
                        }
                    case 9: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.detail = v;
                            else
                                delete m.detail;
                            continue;
                        }
                    case 10: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.bytesDone = v;
                            else
                                delete m.bytesDone;
                            continue;
                        }
                    case 11: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.bytesTotal = v;
                            else
                                delete m.bytesTotal;
                            continue;
                        }
                    case 12: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.desiredSeq = v;
                            else
                                delete m.desiredSeq;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a StateTransition message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.StateTransition
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.StateTransition & verge.v1.StateTransition.$Shape} StateTransition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            StateTransition.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a StateTransition message.
             * @function verify
             * @memberof verge.v1.StateTransition
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            StateTransition.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    if (!$util.isString(m.deviceId))
                        return "deviceId: string expected";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (!$util.isInteger(m.seq) && !(m.seq && $util.isInteger(m.seq.low) && $util.isInteger(m.seq.high)))
                        return "seq: integer|Long expected";
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (!$util.isInteger(m.eventTime) && !(m.eventTime && $util.isInteger(m.eventTime.low) && $util.isInteger(m.eventTime.high)))
                        return "eventTime: integer|Long expected";
                }
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId")) {
                    if (!$util.isString(m.rolloutId))
                        return "rolloutId: string expected";
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    if (!$util.isString(m.releaseId))
                        return "releaseId: string expected";
                }
                if (m.fromState != null && $Object.hasOwnProperty.call(m, "fromState")) {
                    if (typeof m.fromState !== "number" || (m.fromState | 0) !== m.fromState)
                        return "fromState: enum value expected";
                }
                if (m.state != null && $Object.hasOwnProperty.call(m, "state")) {
                    if (typeof m.state !== "number" || (m.state | 0) !== m.state)
                        return "state: enum value expected";
                }
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason")) {
                    if (!$util.isString(m.reason))
                        return "reason: string expected";
                }
                if (m.detail != null && $Object.hasOwnProperty.call(m, "detail")) {
                    if (!$util.isString(m.detail))
                        return "detail: string expected";
                }
                if (m.bytesDone != null && $Object.hasOwnProperty.call(m, "bytesDone")) {
                    if (!$util.isInteger(m.bytesDone) && !(m.bytesDone && $util.isInteger(m.bytesDone.low) && $util.isInteger(m.bytesDone.high)))
                        return "bytesDone: integer|Long expected";
                }
                if (m.bytesTotal != null && $Object.hasOwnProperty.call(m, "bytesTotal")) {
                    if (!$util.isInteger(m.bytesTotal) && !(m.bytesTotal && $util.isInteger(m.bytesTotal.low) && $util.isInteger(m.bytesTotal.high)))
                        return "bytesTotal: integer|Long expected";
                }
                if (m.desiredSeq != null && $Object.hasOwnProperty.call(m, "desiredSeq")) {
                    if (!$util.isInteger(m.desiredSeq) && !(m.desiredSeq && $util.isInteger(m.desiredSeq.low) && $util.isInteger(m.desiredSeq.high)))
                        return "desiredSeq: integer|Long expected";
                }
                return null;
            };

            /**
             * Creates a StateTransition message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.StateTransition
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.StateTransition} StateTransition
             */
            StateTransition.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.StateTransition)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.StateTransition: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.StateTransition();
                if (d.deviceId != null) {
                    if (typeof d.deviceId !== "string" || d.deviceId.length) {
                        m.deviceId = $String(d.deviceId);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.eventTime != null) {
                    if (typeof d.eventTime === "object" ? d.eventTime.low || d.eventTime.high : $Number(d.eventTime) !== 0) {
                        if ($util.Long)
                            m.eventTime = $util.Long.fromValue(d.eventTime, true);
                        else if (typeof d.eventTime === "string")
                            m.eventTime = $parseInt(d.eventTime, 10);
                        else if (typeof d.eventTime === "number")
                            m.eventTime = d.eventTime;
                        else if (typeof d.eventTime === "object")
                            m.eventTime = new $util.LongBits(d.eventTime.low >>> 0, d.eventTime.high >>> 0).toNumber(true);
                    }
                }
                if (d.rolloutId != null) {
                    if (typeof d.rolloutId !== "string" || d.rolloutId.length) {
                        m.rolloutId = $String(d.rolloutId);
                    }
                }
                if (d.releaseId != null) {
                    if (typeof d.releaseId !== "string" || d.releaseId.length) {
                        m.releaseId = $String(d.releaseId);
                    }
                }
                if (d.fromState !== 0 && (typeof d.fromState !== "string" || $root.verge.v1.DeploymentState[d.fromState] !== 0)) {
                    switch (d.fromState) {
                    case "DEPLOYMENT_STATE_UNSPECIFIED":
                    case 0:
                        m.fromState = 0;
                        break;
                    case "DEPLOYMENT_STATE_PENDING":
                    case 1:
                        m.fromState = 1;
                        break;
                    case "DEPLOYMENT_STATE_DOWNLOADING":
                    case 2:
                        m.fromState = 2;
                        break;
                    case "DEPLOYMENT_STATE_VERIFIED":
                    case 3:
                        m.fromState = 3;
                        break;
                    case "DEPLOYMENT_STATE_ACTIVATED":
                    case 4:
                        m.fromState = 4;
                        break;
                    case "DEPLOYMENT_STATE_FAILED":
                    case 5:
                        m.fromState = 5;
                        break;
                    case "DEPLOYMENT_STATE_CANCELLED":
                    case 6:
                        m.fromState = 6;
                        break;
                    case "DEPLOYMENT_STATE_ROLLING_BACK":
                    case 7:
                        m.fromState = 7;
                        break;
                    case "DEPLOYMENT_STATE_ROLLED_BACK":
                    case 8:
                        m.fromState = 8;
                        break;
                    default:
                        if (typeof d.fromState === "number" && (d.fromState | 0) === d.fromState)
                            m.fromState = d.fromState;
                    }
                }
                if (d.state !== 0 && (typeof d.state !== "string" || $root.verge.v1.DeploymentState[d.state] !== 0)) {
                    switch (d.state) {
                    case "DEPLOYMENT_STATE_UNSPECIFIED":
                    case 0:
                        m.state = 0;
                        break;
                    case "DEPLOYMENT_STATE_PENDING":
                    case 1:
                        m.state = 1;
                        break;
                    case "DEPLOYMENT_STATE_DOWNLOADING":
                    case 2:
                        m.state = 2;
                        break;
                    case "DEPLOYMENT_STATE_VERIFIED":
                    case 3:
                        m.state = 3;
                        break;
                    case "DEPLOYMENT_STATE_ACTIVATED":
                    case 4:
                        m.state = 4;
                        break;
                    case "DEPLOYMENT_STATE_FAILED":
                    case 5:
                        m.state = 5;
                        break;
                    case "DEPLOYMENT_STATE_CANCELLED":
                    case 6:
                        m.state = 6;
                        break;
                    case "DEPLOYMENT_STATE_ROLLING_BACK":
                    case 7:
                        m.state = 7;
                        break;
                    case "DEPLOYMENT_STATE_ROLLED_BACK":
                    case 8:
                        m.state = 8;
                        break;
                    default:
                        if (typeof d.state === "number" && (d.state | 0) === d.state)
                            m.state = d.state;
                    }
                }
                if (d.reason != null) {
                    if (typeof d.reason !== "string" || d.reason.length) {
                        m.reason = $String(d.reason);
                    }
                }
                if (d.detail != null) {
                    if (typeof d.detail !== "string" || d.detail.length) {
                        m.detail = $String(d.detail);
                    }
                }
                if (d.bytesDone != null) {
                    if (typeof d.bytesDone === "object" ? d.bytesDone.low || d.bytesDone.high : $Number(d.bytesDone) !== 0) {
                        if ($util.Long)
                            m.bytesDone = $util.Long.fromValue(d.bytesDone, true);
                        else if (typeof d.bytesDone === "string")
                            m.bytesDone = $parseInt(d.bytesDone, 10);
                        else if (typeof d.bytesDone === "number")
                            m.bytesDone = d.bytesDone;
                        else if (typeof d.bytesDone === "object")
                            m.bytesDone = new $util.LongBits(d.bytesDone.low >>> 0, d.bytesDone.high >>> 0).toNumber(true);
                    }
                }
                if (d.bytesTotal != null) {
                    if (typeof d.bytesTotal === "object" ? d.bytesTotal.low || d.bytesTotal.high : $Number(d.bytesTotal) !== 0) {
                        if ($util.Long)
                            m.bytesTotal = $util.Long.fromValue(d.bytesTotal, true);
                        else if (typeof d.bytesTotal === "string")
                            m.bytesTotal = $parseInt(d.bytesTotal, 10);
                        else if (typeof d.bytesTotal === "number")
                            m.bytesTotal = d.bytesTotal;
                        else if (typeof d.bytesTotal === "object")
                            m.bytesTotal = new $util.LongBits(d.bytesTotal.low >>> 0, d.bytesTotal.high >>> 0).toNumber(true);
                    }
                }
                if (d.desiredSeq != null) {
                    if (typeof d.desiredSeq === "object" ? d.desiredSeq.low || d.desiredSeq.high : $Number(d.desiredSeq) !== 0) {
                        if ($util.Long)
                            m.desiredSeq = $util.Long.fromValue(d.desiredSeq, true);
                        else if (typeof d.desiredSeq === "string")
                            m.desiredSeq = $parseInt(d.desiredSeq, 10);
                        else if (typeof d.desiredSeq === "number")
                            m.desiredSeq = d.desiredSeq;
                        else if (typeof d.desiredSeq === "object")
                            m.desiredSeq = new $util.LongBits(d.desiredSeq.low >>> 0, d.desiredSeq.high >>> 0).toNumber(true);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a StateTransition message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.StateTransition
             * @static
             * @param {verge.v1.StateTransition} m StateTransition
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            StateTransition.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.deviceId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.eventTime = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.eventTime = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.rolloutId = "";
                    d.releaseId = "";
                    d.fromState = o.enums === $String ? "DEPLOYMENT_STATE_UNSPECIFIED" : 0;
                    d.state = o.enums === $String ? "DEPLOYMENT_STATE_UNSPECIFIED" : 0;
                    d.reason = "";
                    d.detail = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.bytesDone = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.bytesDone = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.bytesTotal = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.bytesTotal = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.desiredSeq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.desiredSeq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    d.deviceId = m.deviceId;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.eventTime = typeof m.eventTime === "number" ? $BigInt(m.eventTime) : $util.Long.fromBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0, true).toBigInt();
                    else if (typeof m.eventTime === "number")
                        d.eventTime = o.longs === $String ? $String(m.eventTime) : m.eventTime;
                    else
                        d.eventTime = o.longs === $String ? $util.Long.prototype.toString.call(m.eventTime) : o.longs === $Number ? new $util.LongBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0).toNumber(true) : m.eventTime;
                }
                if (m.rolloutId != null && $Object.hasOwnProperty.call(m, "rolloutId")) {
                    d.rolloutId = m.rolloutId;
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    d.releaseId = m.releaseId;
                }
                if (m.fromState != null && $Object.hasOwnProperty.call(m, "fromState")) {
                    d.fromState = o.enums === $String ? $root.verge.v1.DeploymentState[m.fromState] === $undefined ? m.fromState : $root.verge.v1.DeploymentState[m.fromState] : m.fromState;
                }
                if (m.state != null && $Object.hasOwnProperty.call(m, "state")) {
                    d.state = o.enums === $String ? $root.verge.v1.DeploymentState[m.state] === $undefined ? m.state : $root.verge.v1.DeploymentState[m.state] : m.state;
                }
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason")) {
                    d.reason = m.reason;
                }
                if (m.detail != null && $Object.hasOwnProperty.call(m, "detail")) {
                    d.detail = m.detail;
                }
                if (m.bytesDone != null && $Object.hasOwnProperty.call(m, "bytesDone")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.bytesDone = typeof m.bytesDone === "number" ? $BigInt(m.bytesDone) : $util.Long.fromBits(m.bytesDone.low >>> 0, m.bytesDone.high >>> 0, true).toBigInt();
                    else if (typeof m.bytesDone === "number")
                        d.bytesDone = o.longs === $String ? $String(m.bytesDone) : m.bytesDone;
                    else
                        d.bytesDone = o.longs === $String ? $util.Long.prototype.toString.call(m.bytesDone) : o.longs === $Number ? new $util.LongBits(m.bytesDone.low >>> 0, m.bytesDone.high >>> 0).toNumber(true) : m.bytesDone;
                }
                if (m.bytesTotal != null && $Object.hasOwnProperty.call(m, "bytesTotal")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.bytesTotal = typeof m.bytesTotal === "number" ? $BigInt(m.bytesTotal) : $util.Long.fromBits(m.bytesTotal.low >>> 0, m.bytesTotal.high >>> 0, true).toBigInt();
                    else if (typeof m.bytesTotal === "number")
                        d.bytesTotal = o.longs === $String ? $String(m.bytesTotal) : m.bytesTotal;
                    else
                        d.bytesTotal = o.longs === $String ? $util.Long.prototype.toString.call(m.bytesTotal) : o.longs === $Number ? new $util.LongBits(m.bytesTotal.low >>> 0, m.bytesTotal.high >>> 0).toNumber(true) : m.bytesTotal;
                }
                if (m.desiredSeq != null && $Object.hasOwnProperty.call(m, "desiredSeq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.desiredSeq = typeof m.desiredSeq === "number" ? $BigInt(m.desiredSeq) : $util.Long.fromBits(m.desiredSeq.low >>> 0, m.desiredSeq.high >>> 0, true).toBigInt();
                    else if (typeof m.desiredSeq === "number")
                        d.desiredSeq = o.longs === $String ? $String(m.desiredSeq) : m.desiredSeq;
                    else
                        d.desiredSeq = o.longs === $String ? $util.Long.prototype.toString.call(m.desiredSeq) : o.longs === $Number ? new $util.LongBits(m.desiredSeq.low >>> 0, m.desiredSeq.high >>> 0).toNumber(true) : m.desiredSeq;
                }
                return d;
            };

            /**
             * Converts this StateTransition to JSON.
             * @function toJSON
             * @memberof verge.v1.StateTransition
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            StateTransition.prototype.toJSON = function() {
                return StateTransition.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for StateTransition
             * @function getTypeUrl
             * @memberof verge.v1.StateTransition
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            StateTransition.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.StateTransition";
            };

            return StateTransition;
        })();

        v1.Heartbeat = (function() {

            /**
             * Properties of a Heartbeat.
             * @typedef {Object} verge.v1.Heartbeat.$Properties
             * @property {string|null} [deviceId] Heartbeat deviceId
             * @property {number|null} [seq] Heartbeat seq
             * @property {number|null} [eventTime] Heartbeat eventTime
             * @property {number|null} [uptimeS] Heartbeat uptimeS
             * @property {string|null} [currentReleaseId] Heartbeat currentReleaseId
             * @property {verge.v1.DeploymentState|null} [deploymentState] Heartbeat deploymentState
             * @property {string|null} [agentVersion] Heartbeat agentVersion
             * @property {Object.<string,number>|null} [rejected] Heartbeat rejected
             * @property {number|null} [outboxDepth] Heartbeat outboxDepth
             * @property {number|null} [outboxBytes] Heartbeat outboxBytes
             * @property {Object.<string,number>|null} [outboxDropped] Heartbeat outboxDropped
             * @property {number|null} [outboxMerged] Heartbeat outboxMerged
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Heartbeat.
             * @memberof verge.v1
             * @interface IHeartbeat
             * @augments verge.v1.Heartbeat.$Properties
             * @deprecated Use verge.v1.Heartbeat.$Properties instead.
             */

            /**
             * Shape of a Heartbeat.
             * @typedef {verge.v1.Heartbeat.$Properties} verge.v1.Heartbeat.$Shape
             */

            /**
             * Constructs a new Heartbeat.
             * @memberof verge.v1
             * @classdesc Represents a Heartbeat.
             * @constructor
             * @param {verge.v1.Heartbeat.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Heartbeat = function (p) {
                this.rejected = {};
                this.outboxDropped = {};
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Heartbeat deviceId.
             * @member {string} deviceId
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.deviceId = "";

            /**
             * Heartbeat seq.
             * @member {number} seq
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Heartbeat eventTime.
             * @member {number} eventTime
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.eventTime = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Heartbeat uptimeS.
             * @member {number} uptimeS
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.uptimeS = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Heartbeat currentReleaseId.
             * @member {string} currentReleaseId
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.currentReleaseId = "";

            /**
             * Heartbeat deploymentState.
             * @member {verge.v1.DeploymentState} deploymentState
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.deploymentState = 0;

            /**
             * Heartbeat agentVersion.
             * @member {string} agentVersion
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.agentVersion = "";

            /**
             * Heartbeat rejected.
             * @member {Object.<string,number>} rejected
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.rejected = $util.emptyObject;

            /**
             * Heartbeat outboxDepth.
             * @member {number} outboxDepth
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.outboxDepth = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Heartbeat outboxBytes.
             * @member {number} outboxBytes
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.outboxBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Heartbeat outboxDropped.
             * @member {Object.<string,number>} outboxDropped
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.outboxDropped = $util.emptyObject;

            /**
             * Heartbeat outboxMerged.
             * @member {number} outboxMerged
             * @memberof verge.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.outboxMerged = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Heartbeat instance using the specified properties.
             * @function create
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {verge.v1.Heartbeat.$Properties=} [properties] Properties to set
             * @returns {verge.v1.Heartbeat} Heartbeat instance
             * @type {{
             *   (properties: verge.v1.Heartbeat.$Shape): verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape;
             *   (properties?: verge.v1.Heartbeat.$Properties): verge.v1.Heartbeat;
             * }}
             */
            Heartbeat.create = function(properties) {
                return new Heartbeat(properties);
            };

            /**
             * Encodes the specified Heartbeat message. Does not implicitly {@link verge.v1.Heartbeat.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {verge.v1.Heartbeat.$Properties} m Heartbeat message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Heartbeat.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime") && (typeof m.eventTime === "object" ? m.eventTime.low || m.eventTime.high : m.eventTime !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.eventTime);
                if (m.uptimeS != null && $Object.hasOwnProperty.call(m, "uptimeS") && (typeof m.uptimeS === "object" ? m.uptimeS.low || m.uptimeS.high : m.uptimeS !== 0))
                    w.uint32(/* id 4, wireType 0 =*/32).uint64(m.uptimeS);
                if (m.currentReleaseId != null && $Object.hasOwnProperty.call(m, "currentReleaseId") && m.currentReleaseId !== "")
                    w.uint32(/* id 5, wireType 2 =*/42).string(m.currentReleaseId);
                if (m.deploymentState != null && $Object.hasOwnProperty.call(m, "deploymentState") && m.deploymentState !== 0)
                    w.uint32(/* id 6, wireType 0 =*/48).int32(m.deploymentState);
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion") && m.agentVersion !== "")
                    w.uint32(/* id 7, wireType 2 =*/58).string(m.agentVersion);
                if (m.rejected != null && $Object.hasOwnProperty.call(m, "rejected")) {
                    for (var ks = $Object.keys(m.rejected), i = 0; i < ks.length; ++i) {
                        w.uint32(/* id 8, wireType 2 =*/66).fork().uint32(/* id 1, wireType 2 =*/10).string(ks[i]).uint32(/* id 2, wireType 0 =*/16).uint64(m.rejected[ks[i]]).ldelim();
                    }
                }
                if (m.outboxDepth != null && $Object.hasOwnProperty.call(m, "outboxDepth") && (typeof m.outboxDepth === "object" ? m.outboxDepth.low || m.outboxDepth.high : m.outboxDepth !== 0))
                    w.uint32(/* id 9, wireType 0 =*/72).uint64(m.outboxDepth);
                if (m.outboxBytes != null && $Object.hasOwnProperty.call(m, "outboxBytes") && (typeof m.outboxBytes === "object" ? m.outboxBytes.low || m.outboxBytes.high : m.outboxBytes !== 0))
                    w.uint32(/* id 10, wireType 0 =*/80).uint64(m.outboxBytes);
                if (m.outboxDropped != null && $Object.hasOwnProperty.call(m, "outboxDropped")) {
                    for (var ks = $Object.keys(m.outboxDropped), i = 0; i < ks.length; ++i) {
                        w.uint32(/* id 11, wireType 2 =*/90).fork().uint32(/* id 1, wireType 2 =*/10).string(ks[i]).uint32(/* id 2, wireType 0 =*/16).uint64(m.outboxDropped[ks[i]]).ldelim();
                    }
                }
                if (m.outboxMerged != null && $Object.hasOwnProperty.call(m, "outboxMerged") && (typeof m.outboxMerged === "object" ? m.outboxMerged.low || m.outboxMerged.high : m.outboxMerged !== 0))
                    w.uint32(/* id 12, wireType 0 =*/96).uint64(m.outboxMerged);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Heartbeat message, length delimited. Does not implicitly {@link verge.v1.Heartbeat.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {verge.v1.Heartbeat.$Properties} message Heartbeat message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Heartbeat.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Heartbeat message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Heartbeat.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, k, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.Heartbeat();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.eventTime = v;
                            else
                                delete m.eventTime;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.uptimeS = v;
                            else
                                delete m.uptimeS;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.currentReleaseId = v;
                            else
                                delete m.currentReleaseId;
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.deploymentState = v;
                            else
                                delete m.deploymentState;
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.agentVersion = v;
                            else
                                delete m.agentVersion;
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if (m.rejected === $util.emptyObject)
                                m.rejected = {};
                            var c2 = r.size() + r.pos;
                            if (c2 > r.len)
                                throw $RangeError("index out of range");
                            r.len = c2;
                            k = "";
                            v = $util.Long ? $util.Long.fromNumber(0, true) : 0;
                            while (r.pos < c2) {
                                var t2 = r.tag();
                                u = t2 & 7;
                                switch (t2 >>>= 3) {
                                case 1:
                                    if (u !== 2)
                                        break;
                                    k = r.stringVerify();
                                    continue;
                                case 2:
                                    if (u !== 0)
                                        break;
                                    v = r.uint64();
                                    continue;
                                }
                                r.skipType(u, q, t2);
                            }
                            if (r.pos !== c2)
                                throw $RangeError("index out of range");
                            r.len = c;
                            if (k === "__proto__")
                                $util.makeProp(m.rejected, k);
                            m.rejected[k] = v;
                            continue;
                        }
                    case 9: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.outboxDepth = v;
                            else
                                delete m.outboxDepth;
                            continue;
                        }
                    case 10: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.outboxBytes = v;
                            else
                                delete m.outboxBytes;
                            continue;
                        }
                    case 11: {
                            if (u !== 2)
                                break;
                            if (m.outboxDropped === $util.emptyObject)
                                m.outboxDropped = {};
                            var c2 = r.size() + r.pos;
                            if (c2 > r.len)
                                throw $RangeError("index out of range");
                            r.len = c2;
                            k = "";
                            v = $util.Long ? $util.Long.fromNumber(0, true) : 0;
                            while (r.pos < c2) {
                                var t2 = r.tag();
                                u = t2 & 7;
                                switch (t2 >>>= 3) {
                                case 1:
                                    if (u !== 2)
                                        break;
                                    k = r.stringVerify();
                                    continue;
                                case 2:
                                    if (u !== 0)
                                        break;
                                    v = r.uint64();
                                    continue;
                                }
                                r.skipType(u, q, t2);
                            }
                            if (r.pos !== c2)
                                throw $RangeError("index out of range");
                            r.len = c;
                            if (k === "__proto__")
                                $util.makeProp(m.outboxDropped, k);
                            m.outboxDropped[k] = v;
                            continue;
                        }
                    case 12: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.outboxMerged = v;
                            else
                                delete m.outboxMerged;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Heartbeat message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Heartbeat.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Heartbeat message.
             * @function verify
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Heartbeat.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    if (!$util.isString(m.deviceId))
                        return "deviceId: string expected";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (!$util.isInteger(m.seq) && !(m.seq && $util.isInteger(m.seq.low) && $util.isInteger(m.seq.high)))
                        return "seq: integer|Long expected";
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (!$util.isInteger(m.eventTime) && !(m.eventTime && $util.isInteger(m.eventTime.low) && $util.isInteger(m.eventTime.high)))
                        return "eventTime: integer|Long expected";
                }
                if (m.uptimeS != null && $Object.hasOwnProperty.call(m, "uptimeS")) {
                    if (!$util.isInteger(m.uptimeS) && !(m.uptimeS && $util.isInteger(m.uptimeS.low) && $util.isInteger(m.uptimeS.high)))
                        return "uptimeS: integer|Long expected";
                }
                if (m.currentReleaseId != null && $Object.hasOwnProperty.call(m, "currentReleaseId")) {
                    if (!$util.isString(m.currentReleaseId))
                        return "currentReleaseId: string expected";
                }
                if (m.deploymentState != null && $Object.hasOwnProperty.call(m, "deploymentState")) {
                    if (typeof m.deploymentState !== "number" || (m.deploymentState | 0) !== m.deploymentState)
                        return "deploymentState: enum value expected";
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion")) {
                    if (!$util.isString(m.agentVersion))
                        return "agentVersion: string expected";
                }
                if (m.rejected != null && $Object.hasOwnProperty.call(m, "rejected")) {
                    if (!$util.isObject(m.rejected))
                        return "rejected: object expected";
                    var k = $Object.keys(m.rejected);
                    for (var i = 0; i < k.length; ++i) {
                        if (!$util.isInteger(m.rejected[k[i]]) && !(m.rejected[k[i]] && $util.isInteger(m.rejected[k[i]].low) && $util.isInteger(m.rejected[k[i]].high)))
                            return "rejected: integer|Long{k:string} expected";
                    }
                }
                if (m.outboxDepth != null && $Object.hasOwnProperty.call(m, "outboxDepth")) {
                    if (!$util.isInteger(m.outboxDepth) && !(m.outboxDepth && $util.isInteger(m.outboxDepth.low) && $util.isInteger(m.outboxDepth.high)))
                        return "outboxDepth: integer|Long expected";
                }
                if (m.outboxBytes != null && $Object.hasOwnProperty.call(m, "outboxBytes")) {
                    if (!$util.isInteger(m.outboxBytes) && !(m.outboxBytes && $util.isInteger(m.outboxBytes.low) && $util.isInteger(m.outboxBytes.high)))
                        return "outboxBytes: integer|Long expected";
                }
                if (m.outboxDropped != null && $Object.hasOwnProperty.call(m, "outboxDropped")) {
                    if (!$util.isObject(m.outboxDropped))
                        return "outboxDropped: object expected";
                    var k = $Object.keys(m.outboxDropped);
                    for (var i = 0; i < k.length; ++i) {
                        if (!$util.isInteger(m.outboxDropped[k[i]]) && !(m.outboxDropped[k[i]] && $util.isInteger(m.outboxDropped[k[i]].low) && $util.isInteger(m.outboxDropped[k[i]].high)))
                            return "outboxDropped: integer|Long{k:string} expected";
                    }
                }
                if (m.outboxMerged != null && $Object.hasOwnProperty.call(m, "outboxMerged")) {
                    if (!$util.isInteger(m.outboxMerged) && !(m.outboxMerged && $util.isInteger(m.outboxMerged.low) && $util.isInteger(m.outboxMerged.high)))
                        return "outboxMerged: integer|Long expected";
                }
                return null;
            };

            /**
             * Creates a Heartbeat message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.Heartbeat} Heartbeat
             */
            Heartbeat.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.Heartbeat)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.Heartbeat: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.Heartbeat();
                if (d.deviceId != null) {
                    if (typeof d.deviceId !== "string" || d.deviceId.length) {
                        m.deviceId = $String(d.deviceId);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.eventTime != null) {
                    if (typeof d.eventTime === "object" ? d.eventTime.low || d.eventTime.high : $Number(d.eventTime) !== 0) {
                        if ($util.Long)
                            m.eventTime = $util.Long.fromValue(d.eventTime, true);
                        else if (typeof d.eventTime === "string")
                            m.eventTime = $parseInt(d.eventTime, 10);
                        else if (typeof d.eventTime === "number")
                            m.eventTime = d.eventTime;
                        else if (typeof d.eventTime === "object")
                            m.eventTime = new $util.LongBits(d.eventTime.low >>> 0, d.eventTime.high >>> 0).toNumber(true);
                    }
                }
                if (d.uptimeS != null) {
                    if (typeof d.uptimeS === "object" ? d.uptimeS.low || d.uptimeS.high : $Number(d.uptimeS) !== 0) {
                        if ($util.Long)
                            m.uptimeS = $util.Long.fromValue(d.uptimeS, true);
                        else if (typeof d.uptimeS === "string")
                            m.uptimeS = $parseInt(d.uptimeS, 10);
                        else if (typeof d.uptimeS === "number")
                            m.uptimeS = d.uptimeS;
                        else if (typeof d.uptimeS === "object")
                            m.uptimeS = new $util.LongBits(d.uptimeS.low >>> 0, d.uptimeS.high >>> 0).toNumber(true);
                    }
                }
                if (d.currentReleaseId != null) {
                    if (typeof d.currentReleaseId !== "string" || d.currentReleaseId.length) {
                        m.currentReleaseId = $String(d.currentReleaseId);
                    }
                }
                if (d.deploymentState !== 0 && (typeof d.deploymentState !== "string" || $root.verge.v1.DeploymentState[d.deploymentState] !== 0)) {
                    switch (d.deploymentState) {
                    case "DEPLOYMENT_STATE_UNSPECIFIED":
                    case 0:
                        m.deploymentState = 0;
                        break;
                    case "DEPLOYMENT_STATE_PENDING":
                    case 1:
                        m.deploymentState = 1;
                        break;
                    case "DEPLOYMENT_STATE_DOWNLOADING":
                    case 2:
                        m.deploymentState = 2;
                        break;
                    case "DEPLOYMENT_STATE_VERIFIED":
                    case 3:
                        m.deploymentState = 3;
                        break;
                    case "DEPLOYMENT_STATE_ACTIVATED":
                    case 4:
                        m.deploymentState = 4;
                        break;
                    case "DEPLOYMENT_STATE_FAILED":
                    case 5:
                        m.deploymentState = 5;
                        break;
                    case "DEPLOYMENT_STATE_CANCELLED":
                    case 6:
                        m.deploymentState = 6;
                        break;
                    case "DEPLOYMENT_STATE_ROLLING_BACK":
                    case 7:
                        m.deploymentState = 7;
                        break;
                    case "DEPLOYMENT_STATE_ROLLED_BACK":
                    case 8:
                        m.deploymentState = 8;
                        break;
                    default:
                        if (typeof d.deploymentState === "number" && (d.deploymentState | 0) === d.deploymentState)
                            m.deploymentState = d.deploymentState;
                    }
                }
                if (d.agentVersion != null) {
                    if (typeof d.agentVersion !== "string" || d.agentVersion.length) {
                        m.agentVersion = $String(d.agentVersion);
                    }
                }
                if (d.rejected) {
                    if (!$util.isObject(d.rejected))
                        throw $TypeError(".verge.v1.Heartbeat.rejected: object expected");
                    m.rejected = {};
                    for (var ks = $Object.keys(d.rejected), i = 0; i < ks.length; ++i) {
                        if (ks[i] === "__proto__")
                            $util.makeProp(m.rejected, ks[i]);
                        if ($util.Long)
                            m.rejected[ks[i]] = $util.Long.fromValue(d.rejected[ks[i]], true);
                        else if (typeof d.rejected[ks[i]] === "string")
                            m.rejected[ks[i]] = $parseInt(d.rejected[ks[i]], 10);
                        else if (typeof d.rejected[ks[i]] === "number")
                            m.rejected[ks[i]] = d.rejected[ks[i]];
                        else if (typeof d.rejected[ks[i]] === "object")
                            m.rejected[ks[i]] = new $util.LongBits(d.rejected[ks[i]].low >>> 0, d.rejected[ks[i]].high >>> 0).toNumber(true);
                    }
                }
                if (d.outboxDepth != null) {
                    if (typeof d.outboxDepth === "object" ? d.outboxDepth.low || d.outboxDepth.high : $Number(d.outboxDepth) !== 0) {
                        if ($util.Long)
                            m.outboxDepth = $util.Long.fromValue(d.outboxDepth, true);
                        else if (typeof d.outboxDepth === "string")
                            m.outboxDepth = $parseInt(d.outboxDepth, 10);
                        else if (typeof d.outboxDepth === "number")
                            m.outboxDepth = d.outboxDepth;
                        else if (typeof d.outboxDepth === "object")
                            m.outboxDepth = new $util.LongBits(d.outboxDepth.low >>> 0, d.outboxDepth.high >>> 0).toNumber(true);
                    }
                }
                if (d.outboxBytes != null) {
                    if (typeof d.outboxBytes === "object" ? d.outboxBytes.low || d.outboxBytes.high : $Number(d.outboxBytes) !== 0) {
                        if ($util.Long)
                            m.outboxBytes = $util.Long.fromValue(d.outboxBytes, true);
                        else if (typeof d.outboxBytes === "string")
                            m.outboxBytes = $parseInt(d.outboxBytes, 10);
                        else if (typeof d.outboxBytes === "number")
                            m.outboxBytes = d.outboxBytes;
                        else if (typeof d.outboxBytes === "object")
                            m.outboxBytes = new $util.LongBits(d.outboxBytes.low >>> 0, d.outboxBytes.high >>> 0).toNumber(true);
                    }
                }
                if (d.outboxDropped) {
                    if (!$util.isObject(d.outboxDropped))
                        throw $TypeError(".verge.v1.Heartbeat.outboxDropped: object expected");
                    m.outboxDropped = {};
                    for (var ks = $Object.keys(d.outboxDropped), i = 0; i < ks.length; ++i) {
                        if (ks[i] === "__proto__")
                            $util.makeProp(m.outboxDropped, ks[i]);
                        if ($util.Long)
                            m.outboxDropped[ks[i]] = $util.Long.fromValue(d.outboxDropped[ks[i]], true);
                        else if (typeof d.outboxDropped[ks[i]] === "string")
                            m.outboxDropped[ks[i]] = $parseInt(d.outboxDropped[ks[i]], 10);
                        else if (typeof d.outboxDropped[ks[i]] === "number")
                            m.outboxDropped[ks[i]] = d.outboxDropped[ks[i]];
                        else if (typeof d.outboxDropped[ks[i]] === "object")
                            m.outboxDropped[ks[i]] = new $util.LongBits(d.outboxDropped[ks[i]].low >>> 0, d.outboxDropped[ks[i]].high >>> 0).toNumber(true);
                    }
                }
                if (d.outboxMerged != null) {
                    if (typeof d.outboxMerged === "object" ? d.outboxMerged.low || d.outboxMerged.high : $Number(d.outboxMerged) !== 0) {
                        if ($util.Long)
                            m.outboxMerged = $util.Long.fromValue(d.outboxMerged, true);
                        else if (typeof d.outboxMerged === "string")
                            m.outboxMerged = $parseInt(d.outboxMerged, 10);
                        else if (typeof d.outboxMerged === "number")
                            m.outboxMerged = d.outboxMerged;
                        else if (typeof d.outboxMerged === "object")
                            m.outboxMerged = new $util.LongBits(d.outboxMerged.low >>> 0, d.outboxMerged.high >>> 0).toNumber(true);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Heartbeat message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {verge.v1.Heartbeat} m Heartbeat
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Heartbeat.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.objects || o.defaults) {
                    d.rejected = {};
                    d.outboxDropped = {};
                }
                if (o.defaults) {
                    d.deviceId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.eventTime = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.eventTime = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.uptimeS = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.uptimeS = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.currentReleaseId = "";
                    d.deploymentState = o.enums === $String ? "DEPLOYMENT_STATE_UNSPECIFIED" : 0;
                    d.agentVersion = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.outboxDepth = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.outboxDepth = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.outboxBytes = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.outboxBytes = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.outboxMerged = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.outboxMerged = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    d.deviceId = m.deviceId;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.eventTime = typeof m.eventTime === "number" ? $BigInt(m.eventTime) : $util.Long.fromBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0, true).toBigInt();
                    else if (typeof m.eventTime === "number")
                        d.eventTime = o.longs === $String ? $String(m.eventTime) : m.eventTime;
                    else
                        d.eventTime = o.longs === $String ? $util.Long.prototype.toString.call(m.eventTime) : o.longs === $Number ? new $util.LongBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0).toNumber(true) : m.eventTime;
                }
                if (m.uptimeS != null && $Object.hasOwnProperty.call(m, "uptimeS")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.uptimeS = typeof m.uptimeS === "number" ? $BigInt(m.uptimeS) : $util.Long.fromBits(m.uptimeS.low >>> 0, m.uptimeS.high >>> 0, true).toBigInt();
                    else if (typeof m.uptimeS === "number")
                        d.uptimeS = o.longs === $String ? $String(m.uptimeS) : m.uptimeS;
                    else
                        d.uptimeS = o.longs === $String ? $util.Long.prototype.toString.call(m.uptimeS) : o.longs === $Number ? new $util.LongBits(m.uptimeS.low >>> 0, m.uptimeS.high >>> 0).toNumber(true) : m.uptimeS;
                }
                if (m.currentReleaseId != null && $Object.hasOwnProperty.call(m, "currentReleaseId")) {
                    d.currentReleaseId = m.currentReleaseId;
                }
                if (m.deploymentState != null && $Object.hasOwnProperty.call(m, "deploymentState")) {
                    d.deploymentState = o.enums === $String ? $root.verge.v1.DeploymentState[m.deploymentState] === $undefined ? m.deploymentState : $root.verge.v1.DeploymentState[m.deploymentState] : m.deploymentState;
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion")) {
                    d.agentVersion = m.agentVersion;
                }
                var ks2;
                if (m.rejected && (ks2 = $Object.keys(m.rejected)).length) {
                    d.rejected = {};
                    for (var j = 0; j < ks2.length; ++j) {
                        if (ks2[j] === "__proto__")
                            $util.makeProp(d.rejected, ks2[j]);
                        if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                            d.rejected[ks2[j]] = typeof m.rejected[ks2[j]] === "number" ? $BigInt(m.rejected[ks2[j]]) : $util.Long.fromBits(m.rejected[ks2[j]].low >>> 0, m.rejected[ks2[j]].high >>> 0, true).toBigInt();
                        else if (typeof m.rejected[ks2[j]] === "number")
                            d.rejected[ks2[j]] = o.longs === $String ? $String(m.rejected[ks2[j]]) : m.rejected[ks2[j]];
                        else
                            d.rejected[ks2[j]] = o.longs === $String ? $util.Long.prototype.toString.call(m.rejected[ks2[j]]) : o.longs === $Number ? new $util.LongBits(m.rejected[ks2[j]].low >>> 0, m.rejected[ks2[j]].high >>> 0).toNumber(true) : m.rejected[ks2[j]];
                    }
                }
                if (m.outboxDepth != null && $Object.hasOwnProperty.call(m, "outboxDepth")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.outboxDepth = typeof m.outboxDepth === "number" ? $BigInt(m.outboxDepth) : $util.Long.fromBits(m.outboxDepth.low >>> 0, m.outboxDepth.high >>> 0, true).toBigInt();
                    else if (typeof m.outboxDepth === "number")
                        d.outboxDepth = o.longs === $String ? $String(m.outboxDepth) : m.outboxDepth;
                    else
                        d.outboxDepth = o.longs === $String ? $util.Long.prototype.toString.call(m.outboxDepth) : o.longs === $Number ? new $util.LongBits(m.outboxDepth.low >>> 0, m.outboxDepth.high >>> 0).toNumber(true) : m.outboxDepth;
                }
                if (m.outboxBytes != null && $Object.hasOwnProperty.call(m, "outboxBytes")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.outboxBytes = typeof m.outboxBytes === "number" ? $BigInt(m.outboxBytes) : $util.Long.fromBits(m.outboxBytes.low >>> 0, m.outboxBytes.high >>> 0, true).toBigInt();
                    else if (typeof m.outboxBytes === "number")
                        d.outboxBytes = o.longs === $String ? $String(m.outboxBytes) : m.outboxBytes;
                    else
                        d.outboxBytes = o.longs === $String ? $util.Long.prototype.toString.call(m.outboxBytes) : o.longs === $Number ? new $util.LongBits(m.outboxBytes.low >>> 0, m.outboxBytes.high >>> 0).toNumber(true) : m.outboxBytes;
                }
                if (m.outboxDropped && (ks2 = $Object.keys(m.outboxDropped)).length) {
                    d.outboxDropped = {};
                    for (var j = 0; j < ks2.length; ++j) {
                        if (ks2[j] === "__proto__")
                            $util.makeProp(d.outboxDropped, ks2[j]);
                        if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                            d.outboxDropped[ks2[j]] = typeof m.outboxDropped[ks2[j]] === "number" ? $BigInt(m.outboxDropped[ks2[j]]) : $util.Long.fromBits(m.outboxDropped[ks2[j]].low >>> 0, m.outboxDropped[ks2[j]].high >>> 0, true).toBigInt();
                        else if (typeof m.outboxDropped[ks2[j]] === "number")
                            d.outboxDropped[ks2[j]] = o.longs === $String ? $String(m.outboxDropped[ks2[j]]) : m.outboxDropped[ks2[j]];
                        else
                            d.outboxDropped[ks2[j]] = o.longs === $String ? $util.Long.prototype.toString.call(m.outboxDropped[ks2[j]]) : o.longs === $Number ? new $util.LongBits(m.outboxDropped[ks2[j]].low >>> 0, m.outboxDropped[ks2[j]].high >>> 0).toNumber(true) : m.outboxDropped[ks2[j]];
                    }
                }
                if (m.outboxMerged != null && $Object.hasOwnProperty.call(m, "outboxMerged")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.outboxMerged = typeof m.outboxMerged === "number" ? $BigInt(m.outboxMerged) : $util.Long.fromBits(m.outboxMerged.low >>> 0, m.outboxMerged.high >>> 0, true).toBigInt();
                    else if (typeof m.outboxMerged === "number")
                        d.outboxMerged = o.longs === $String ? $String(m.outboxMerged) : m.outboxMerged;
                    else
                        d.outboxMerged = o.longs === $String ? $util.Long.prototype.toString.call(m.outboxMerged) : o.longs === $Number ? new $util.LongBits(m.outboxMerged.low >>> 0, m.outboxMerged.high >>> 0).toNumber(true) : m.outboxMerged;
                }
                return d;
            };

            /**
             * Converts this Heartbeat to JSON.
             * @function toJSON
             * @memberof verge.v1.Heartbeat
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Heartbeat.prototype.toJSON = function() {
                return Heartbeat.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Heartbeat
             * @function getTypeUrl
             * @memberof verge.v1.Heartbeat
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Heartbeat.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.Heartbeat";
            };

            return Heartbeat;
        })();

        v1.KpiReport = (function() {

            /**
             * Properties of a KpiReport.
             * @typedef {Object} verge.v1.KpiReport.$Properties
             * @property {string|null} [deviceId] KpiReport deviceId
             * @property {number|null} [seq] KpiReport seq
             * @property {number|null} [eventTime] KpiReport eventTime
             * @property {number|null} [windowStart] KpiReport windowStart
             * @property {number|null} [windowEnd] KpiReport windowEnd
             * @property {string|null} [releaseId] KpiReport releaseId
             * @property {number|null} [secondsUp] KpiReport secondsUp
             * @property {number|null} [secondsDown] KpiReport secondsDown
             * @property {number|null} [eventsProcessed] KpiReport eventsProcessed
             * @property {number|null} [eventsDropped] KpiReport eventsDropped
             * @property {Array.<number>|null} [lagBucketBoundsMs] KpiReport lagBucketBoundsMs
             * @property {Array.<number>|null} [lagBucketCounts] KpiReport lagBucketCounts
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a KpiReport.
             * @memberof verge.v1
             * @interface IKpiReport
             * @augments verge.v1.KpiReport.$Properties
             * @deprecated Use verge.v1.KpiReport.$Properties instead.
             */

            /**
             * Shape of a KpiReport.
             * @typedef {verge.v1.KpiReport.$Properties} verge.v1.KpiReport.$Shape
             */

            /**
             * Constructs a new KpiReport.
             * @memberof verge.v1
             * @classdesc Represents a KpiReport.
             * @constructor
             * @param {verge.v1.KpiReport.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const KpiReport = function (p) {
                this.lagBucketBoundsMs = [];
                this.lagBucketCounts = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * KpiReport deviceId.
             * @member {string} deviceId
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.deviceId = "";

            /**
             * KpiReport seq.
             * @member {number} seq
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport eventTime.
             * @member {number} eventTime
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.eventTime = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport windowStart.
             * @member {number} windowStart
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.windowStart = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport windowEnd.
             * @member {number} windowEnd
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.windowEnd = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport releaseId.
             * @member {string} releaseId
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.releaseId = "";

            /**
             * KpiReport secondsUp.
             * @member {number} secondsUp
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.secondsUp = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport secondsDown.
             * @member {number} secondsDown
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.secondsDown = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport eventsProcessed.
             * @member {number} eventsProcessed
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.eventsProcessed = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport eventsDropped.
             * @member {number} eventsDropped
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.eventsDropped = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * KpiReport lagBucketBoundsMs.
             * @member {Array.<number>} lagBucketBoundsMs
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.lagBucketBoundsMs = $util.emptyArray;

            /**
             * KpiReport lagBucketCounts.
             * @member {Array.<number>} lagBucketCounts
             * @memberof verge.v1.KpiReport
             * @instance
             */
            KpiReport.prototype.lagBucketCounts = $util.emptyArray;

            /**
             * Creates a new KpiReport instance using the specified properties.
             * @function create
             * @memberof verge.v1.KpiReport
             * @static
             * @param {verge.v1.KpiReport.$Properties=} [properties] Properties to set
             * @returns {verge.v1.KpiReport} KpiReport instance
             * @type {{
             *   (properties: verge.v1.KpiReport.$Shape): verge.v1.KpiReport & verge.v1.KpiReport.$Shape;
             *   (properties?: verge.v1.KpiReport.$Properties): verge.v1.KpiReport;
             * }}
             */
            KpiReport.create = function(properties) {
                return new KpiReport(properties);
            };

            /**
             * Encodes the specified KpiReport message. Does not implicitly {@link verge.v1.KpiReport.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.KpiReport
             * @static
             * @param {verge.v1.KpiReport.$Properties} m KpiReport message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            KpiReport.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime") && (typeof m.eventTime === "object" ? m.eventTime.low || m.eventTime.high : m.eventTime !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.eventTime);
                if (m.windowStart != null && $Object.hasOwnProperty.call(m, "windowStart") && (typeof m.windowStart === "object" ? m.windowStart.low || m.windowStart.high : m.windowStart !== 0))
                    w.uint32(/* id 4, wireType 0 =*/32).uint64(m.windowStart);
                if (m.windowEnd != null && $Object.hasOwnProperty.call(m, "windowEnd") && (typeof m.windowEnd === "object" ? m.windowEnd.low || m.windowEnd.high : m.windowEnd !== 0))
                    w.uint32(/* id 5, wireType 0 =*/40).uint64(m.windowEnd);
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId") && m.releaseId !== "")
                    w.uint32(/* id 6, wireType 2 =*/50).string(m.releaseId);
                if (m.secondsUp != null && $Object.hasOwnProperty.call(m, "secondsUp") && (typeof m.secondsUp === "object" ? m.secondsUp.low || m.secondsUp.high : m.secondsUp !== 0))
                    w.uint32(/* id 7, wireType 0 =*/56).uint64(m.secondsUp);
                if (m.secondsDown != null && $Object.hasOwnProperty.call(m, "secondsDown") && (typeof m.secondsDown === "object" ? m.secondsDown.low || m.secondsDown.high : m.secondsDown !== 0))
                    w.uint32(/* id 8, wireType 0 =*/64).uint64(m.secondsDown);
                if (m.eventsProcessed != null && $Object.hasOwnProperty.call(m, "eventsProcessed") && (typeof m.eventsProcessed === "object" ? m.eventsProcessed.low || m.eventsProcessed.high : m.eventsProcessed !== 0))
                    w.uint32(/* id 9, wireType 0 =*/72).uint64(m.eventsProcessed);
                if (m.eventsDropped != null && $Object.hasOwnProperty.call(m, "eventsDropped") && (typeof m.eventsDropped === "object" ? m.eventsDropped.low || m.eventsDropped.high : m.eventsDropped !== 0))
                    w.uint32(/* id 10, wireType 0 =*/80).uint64(m.eventsDropped);
                if (m.lagBucketBoundsMs != null && m.lagBucketBoundsMs.length) {
                    w.uint32(/* id 11, wireType 2 =*/90).uint64s(m.lagBucketBoundsMs);
                }
                if (m.lagBucketCounts != null && m.lagBucketCounts.length) {
                    w.uint32(/* id 12, wireType 2 =*/98).uint64s(m.lagBucketCounts);
                }
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified KpiReport message, length delimited. Does not implicitly {@link verge.v1.KpiReport.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.KpiReport
             * @static
             * @param {verge.v1.KpiReport.$Properties} message KpiReport message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            KpiReport.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a KpiReport message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.KpiReport
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.KpiReport & verge.v1.KpiReport.$Shape} KpiReport
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            KpiReport.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.KpiReport();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.eventTime = v;
                            else
                                delete m.eventTime;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.windowStart = v;
                            else
                                delete m.windowStart;
                            continue;
                        }
                    case 5: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.windowEnd = v;
                            else
                                delete m.windowEnd;
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.releaseId = v;
                            else
                                delete m.releaseId;
                            continue;
                        }
                    case 7: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.secondsUp = v;
                            else
                                delete m.secondsUp;
                            continue;
                        }
                    case 8: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.secondsDown = v;
                            else
                                delete m.secondsDown;
                            continue;
                        }
                    case 9: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.eventsProcessed = v;
                            else
                                delete m.eventsProcessed;
                            continue;
                        }
                    case 10: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.eventsDropped = v;
                            else
                                delete m.eventsDropped;
                            continue;
                        }
                    case 11: {
                            if (u === 2) {
                                if (!(m.lagBucketBoundsMs && m.lagBucketBoundsMs.length))
                                    m.lagBucketBoundsMs = [];
                                r.uint64s(m.lagBucketBoundsMs);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.lagBucketBoundsMs && m.lagBucketBoundsMs.length))
                                m.lagBucketBoundsMs = [];
                            m.lagBucketBoundsMs.push(r.uint64());
                            continue;
                        }
                    case 12: {
                            if (u === 2) {
                                if (!(m.lagBucketCounts && m.lagBucketCounts.length))
                                    m.lagBucketCounts = [];
                                r.uint64s(m.lagBucketCounts);
                                continue;
                            }
                            if (u !== 0)
                                break;
                            if (!(m.lagBucketCounts && m.lagBucketCounts.length))
                                m.lagBucketCounts = [];
                            m.lagBucketCounts.push(r.uint64());
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a KpiReport message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.KpiReport
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.KpiReport & verge.v1.KpiReport.$Shape} KpiReport
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            KpiReport.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a KpiReport message.
             * @function verify
             * @memberof verge.v1.KpiReport
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            KpiReport.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    if (!$util.isString(m.deviceId))
                        return "deviceId: string expected";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (!$util.isInteger(m.seq) && !(m.seq && $util.isInteger(m.seq.low) && $util.isInteger(m.seq.high)))
                        return "seq: integer|Long expected";
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (!$util.isInteger(m.eventTime) && !(m.eventTime && $util.isInteger(m.eventTime.low) && $util.isInteger(m.eventTime.high)))
                        return "eventTime: integer|Long expected";
                }
                if (m.windowStart != null && $Object.hasOwnProperty.call(m, "windowStart")) {
                    if (!$util.isInteger(m.windowStart) && !(m.windowStart && $util.isInteger(m.windowStart.low) && $util.isInteger(m.windowStart.high)))
                        return "windowStart: integer|Long expected";
                }
                if (m.windowEnd != null && $Object.hasOwnProperty.call(m, "windowEnd")) {
                    if (!$util.isInteger(m.windowEnd) && !(m.windowEnd && $util.isInteger(m.windowEnd.low) && $util.isInteger(m.windowEnd.high)))
                        return "windowEnd: integer|Long expected";
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    if (!$util.isString(m.releaseId))
                        return "releaseId: string expected";
                }
                if (m.secondsUp != null && $Object.hasOwnProperty.call(m, "secondsUp")) {
                    if (!$util.isInteger(m.secondsUp) && !(m.secondsUp && $util.isInteger(m.secondsUp.low) && $util.isInteger(m.secondsUp.high)))
                        return "secondsUp: integer|Long expected";
                }
                if (m.secondsDown != null && $Object.hasOwnProperty.call(m, "secondsDown")) {
                    if (!$util.isInteger(m.secondsDown) && !(m.secondsDown && $util.isInteger(m.secondsDown.low) && $util.isInteger(m.secondsDown.high)))
                        return "secondsDown: integer|Long expected";
                }
                if (m.eventsProcessed != null && $Object.hasOwnProperty.call(m, "eventsProcessed")) {
                    if (!$util.isInteger(m.eventsProcessed) && !(m.eventsProcessed && $util.isInteger(m.eventsProcessed.low) && $util.isInteger(m.eventsProcessed.high)))
                        return "eventsProcessed: integer|Long expected";
                }
                if (m.eventsDropped != null && $Object.hasOwnProperty.call(m, "eventsDropped")) {
                    if (!$util.isInteger(m.eventsDropped) && !(m.eventsDropped && $util.isInteger(m.eventsDropped.low) && $util.isInteger(m.eventsDropped.high)))
                        return "eventsDropped: integer|Long expected";
                }
                if (m.lagBucketBoundsMs != null && $Object.hasOwnProperty.call(m, "lagBucketBoundsMs")) {
                    if (!$Array.isArray(m.lagBucketBoundsMs))
                        return "lagBucketBoundsMs: array expected";
                    for (var i = 0; i < m.lagBucketBoundsMs.length; ++i) {
                        if (!$util.isInteger(m.lagBucketBoundsMs[i]) && !(m.lagBucketBoundsMs[i] && $util.isInteger(m.lagBucketBoundsMs[i].low) && $util.isInteger(m.lagBucketBoundsMs[i].high)))
                            return "lagBucketBoundsMs: integer|Long[] expected";
                    }
                }
                if (m.lagBucketCounts != null && $Object.hasOwnProperty.call(m, "lagBucketCounts")) {
                    if (!$Array.isArray(m.lagBucketCounts))
                        return "lagBucketCounts: array expected";
                    for (var i = 0; i < m.lagBucketCounts.length; ++i) {
                        if (!$util.isInteger(m.lagBucketCounts[i]) && !(m.lagBucketCounts[i] && $util.isInteger(m.lagBucketCounts[i].low) && $util.isInteger(m.lagBucketCounts[i].high)))
                            return "lagBucketCounts: integer|Long[] expected";
                    }
                }
                return null;
            };

            /**
             * Creates a KpiReport message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.KpiReport
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.KpiReport} KpiReport
             */
            KpiReport.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.KpiReport)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.KpiReport: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.KpiReport();
                if (d.deviceId != null) {
                    if (typeof d.deviceId !== "string" || d.deviceId.length) {
                        m.deviceId = $String(d.deviceId);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.eventTime != null) {
                    if (typeof d.eventTime === "object" ? d.eventTime.low || d.eventTime.high : $Number(d.eventTime) !== 0) {
                        if ($util.Long)
                            m.eventTime = $util.Long.fromValue(d.eventTime, true);
                        else if (typeof d.eventTime === "string")
                            m.eventTime = $parseInt(d.eventTime, 10);
                        else if (typeof d.eventTime === "number")
                            m.eventTime = d.eventTime;
                        else if (typeof d.eventTime === "object")
                            m.eventTime = new $util.LongBits(d.eventTime.low >>> 0, d.eventTime.high >>> 0).toNumber(true);
                    }
                }
                if (d.windowStart != null) {
                    if (typeof d.windowStart === "object" ? d.windowStart.low || d.windowStart.high : $Number(d.windowStart) !== 0) {
                        if ($util.Long)
                            m.windowStart = $util.Long.fromValue(d.windowStart, true);
                        else if (typeof d.windowStart === "string")
                            m.windowStart = $parseInt(d.windowStart, 10);
                        else if (typeof d.windowStart === "number")
                            m.windowStart = d.windowStart;
                        else if (typeof d.windowStart === "object")
                            m.windowStart = new $util.LongBits(d.windowStart.low >>> 0, d.windowStart.high >>> 0).toNumber(true);
                    }
                }
                if (d.windowEnd != null) {
                    if (typeof d.windowEnd === "object" ? d.windowEnd.low || d.windowEnd.high : $Number(d.windowEnd) !== 0) {
                        if ($util.Long)
                            m.windowEnd = $util.Long.fromValue(d.windowEnd, true);
                        else if (typeof d.windowEnd === "string")
                            m.windowEnd = $parseInt(d.windowEnd, 10);
                        else if (typeof d.windowEnd === "number")
                            m.windowEnd = d.windowEnd;
                        else if (typeof d.windowEnd === "object")
                            m.windowEnd = new $util.LongBits(d.windowEnd.low >>> 0, d.windowEnd.high >>> 0).toNumber(true);
                    }
                }
                if (d.releaseId != null) {
                    if (typeof d.releaseId !== "string" || d.releaseId.length) {
                        m.releaseId = $String(d.releaseId);
                    }
                }
                if (d.secondsUp != null) {
                    if (typeof d.secondsUp === "object" ? d.secondsUp.low || d.secondsUp.high : $Number(d.secondsUp) !== 0) {
                        if ($util.Long)
                            m.secondsUp = $util.Long.fromValue(d.secondsUp, true);
                        else if (typeof d.secondsUp === "string")
                            m.secondsUp = $parseInt(d.secondsUp, 10);
                        else if (typeof d.secondsUp === "number")
                            m.secondsUp = d.secondsUp;
                        else if (typeof d.secondsUp === "object")
                            m.secondsUp = new $util.LongBits(d.secondsUp.low >>> 0, d.secondsUp.high >>> 0).toNumber(true);
                    }
                }
                if (d.secondsDown != null) {
                    if (typeof d.secondsDown === "object" ? d.secondsDown.low || d.secondsDown.high : $Number(d.secondsDown) !== 0) {
                        if ($util.Long)
                            m.secondsDown = $util.Long.fromValue(d.secondsDown, true);
                        else if (typeof d.secondsDown === "string")
                            m.secondsDown = $parseInt(d.secondsDown, 10);
                        else if (typeof d.secondsDown === "number")
                            m.secondsDown = d.secondsDown;
                        else if (typeof d.secondsDown === "object")
                            m.secondsDown = new $util.LongBits(d.secondsDown.low >>> 0, d.secondsDown.high >>> 0).toNumber(true);
                    }
                }
                if (d.eventsProcessed != null) {
                    if (typeof d.eventsProcessed === "object" ? d.eventsProcessed.low || d.eventsProcessed.high : $Number(d.eventsProcessed) !== 0) {
                        if ($util.Long)
                            m.eventsProcessed = $util.Long.fromValue(d.eventsProcessed, true);
                        else if (typeof d.eventsProcessed === "string")
                            m.eventsProcessed = $parseInt(d.eventsProcessed, 10);
                        else if (typeof d.eventsProcessed === "number")
                            m.eventsProcessed = d.eventsProcessed;
                        else if (typeof d.eventsProcessed === "object")
                            m.eventsProcessed = new $util.LongBits(d.eventsProcessed.low >>> 0, d.eventsProcessed.high >>> 0).toNumber(true);
                    }
                }
                if (d.eventsDropped != null) {
                    if (typeof d.eventsDropped === "object" ? d.eventsDropped.low || d.eventsDropped.high : $Number(d.eventsDropped) !== 0) {
                        if ($util.Long)
                            m.eventsDropped = $util.Long.fromValue(d.eventsDropped, true);
                        else if (typeof d.eventsDropped === "string")
                            m.eventsDropped = $parseInt(d.eventsDropped, 10);
                        else if (typeof d.eventsDropped === "number")
                            m.eventsDropped = d.eventsDropped;
                        else if (typeof d.eventsDropped === "object")
                            m.eventsDropped = new $util.LongBits(d.eventsDropped.low >>> 0, d.eventsDropped.high >>> 0).toNumber(true);
                    }
                }
                if (d.lagBucketBoundsMs) {
                    if (!$Array.isArray(d.lagBucketBoundsMs))
                        throw $TypeError(".verge.v1.KpiReport.lagBucketBoundsMs: array expected");
                    m.lagBucketBoundsMs = $Array(d.lagBucketBoundsMs.length);
                    for (var i = 0; i < d.lagBucketBoundsMs.length; ++i) {
                        if ($util.Long)
                            m.lagBucketBoundsMs[i] = $util.Long.fromValue(d.lagBucketBoundsMs[i], true);
                        else if (typeof d.lagBucketBoundsMs[i] === "string")
                            m.lagBucketBoundsMs[i] = $parseInt(d.lagBucketBoundsMs[i], 10);
                        else if (typeof d.lagBucketBoundsMs[i] === "number")
                            m.lagBucketBoundsMs[i] = d.lagBucketBoundsMs[i];
                        else if (typeof d.lagBucketBoundsMs[i] === "object")
                            m.lagBucketBoundsMs[i] = new $util.LongBits(d.lagBucketBoundsMs[i].low >>> 0, d.lagBucketBoundsMs[i].high >>> 0).toNumber(true);
                    }
                }
                if (d.lagBucketCounts) {
                    if (!$Array.isArray(d.lagBucketCounts))
                        throw $TypeError(".verge.v1.KpiReport.lagBucketCounts: array expected");
                    m.lagBucketCounts = $Array(d.lagBucketCounts.length);
                    for (var i = 0; i < d.lagBucketCounts.length; ++i) {
                        if ($util.Long)
                            m.lagBucketCounts[i] = $util.Long.fromValue(d.lagBucketCounts[i], true);
                        else if (typeof d.lagBucketCounts[i] === "string")
                            m.lagBucketCounts[i] = $parseInt(d.lagBucketCounts[i], 10);
                        else if (typeof d.lagBucketCounts[i] === "number")
                            m.lagBucketCounts[i] = d.lagBucketCounts[i];
                        else if (typeof d.lagBucketCounts[i] === "object")
                            m.lagBucketCounts[i] = new $util.LongBits(d.lagBucketCounts[i].low >>> 0, d.lagBucketCounts[i].high >>> 0).toNumber(true);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a KpiReport message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.KpiReport
             * @static
             * @param {verge.v1.KpiReport} m KpiReport
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            KpiReport.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.lagBucketBoundsMs = [];
                    d.lagBucketCounts = [];
                }
                if (o.defaults) {
                    d.deviceId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.eventTime = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.eventTime = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.windowStart = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.windowStart = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.windowEnd = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.windowEnd = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.releaseId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.secondsUp = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.secondsUp = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.secondsDown = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.secondsDown = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.eventsProcessed = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.eventsProcessed = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.eventsDropped = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.eventsDropped = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    d.deviceId = m.deviceId;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.eventTime = typeof m.eventTime === "number" ? $BigInt(m.eventTime) : $util.Long.fromBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0, true).toBigInt();
                    else if (typeof m.eventTime === "number")
                        d.eventTime = o.longs === $String ? $String(m.eventTime) : m.eventTime;
                    else
                        d.eventTime = o.longs === $String ? $util.Long.prototype.toString.call(m.eventTime) : o.longs === $Number ? new $util.LongBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0).toNumber(true) : m.eventTime;
                }
                if (m.windowStart != null && $Object.hasOwnProperty.call(m, "windowStart")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.windowStart = typeof m.windowStart === "number" ? $BigInt(m.windowStart) : $util.Long.fromBits(m.windowStart.low >>> 0, m.windowStart.high >>> 0, true).toBigInt();
                    else if (typeof m.windowStart === "number")
                        d.windowStart = o.longs === $String ? $String(m.windowStart) : m.windowStart;
                    else
                        d.windowStart = o.longs === $String ? $util.Long.prototype.toString.call(m.windowStart) : o.longs === $Number ? new $util.LongBits(m.windowStart.low >>> 0, m.windowStart.high >>> 0).toNumber(true) : m.windowStart;
                }
                if (m.windowEnd != null && $Object.hasOwnProperty.call(m, "windowEnd")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.windowEnd = typeof m.windowEnd === "number" ? $BigInt(m.windowEnd) : $util.Long.fromBits(m.windowEnd.low >>> 0, m.windowEnd.high >>> 0, true).toBigInt();
                    else if (typeof m.windowEnd === "number")
                        d.windowEnd = o.longs === $String ? $String(m.windowEnd) : m.windowEnd;
                    else
                        d.windowEnd = o.longs === $String ? $util.Long.prototype.toString.call(m.windowEnd) : o.longs === $Number ? new $util.LongBits(m.windowEnd.low >>> 0, m.windowEnd.high >>> 0).toNumber(true) : m.windowEnd;
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    d.releaseId = m.releaseId;
                }
                if (m.secondsUp != null && $Object.hasOwnProperty.call(m, "secondsUp")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.secondsUp = typeof m.secondsUp === "number" ? $BigInt(m.secondsUp) : $util.Long.fromBits(m.secondsUp.low >>> 0, m.secondsUp.high >>> 0, true).toBigInt();
                    else if (typeof m.secondsUp === "number")
                        d.secondsUp = o.longs === $String ? $String(m.secondsUp) : m.secondsUp;
                    else
                        d.secondsUp = o.longs === $String ? $util.Long.prototype.toString.call(m.secondsUp) : o.longs === $Number ? new $util.LongBits(m.secondsUp.low >>> 0, m.secondsUp.high >>> 0).toNumber(true) : m.secondsUp;
                }
                if (m.secondsDown != null && $Object.hasOwnProperty.call(m, "secondsDown")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.secondsDown = typeof m.secondsDown === "number" ? $BigInt(m.secondsDown) : $util.Long.fromBits(m.secondsDown.low >>> 0, m.secondsDown.high >>> 0, true).toBigInt();
                    else if (typeof m.secondsDown === "number")
                        d.secondsDown = o.longs === $String ? $String(m.secondsDown) : m.secondsDown;
                    else
                        d.secondsDown = o.longs === $String ? $util.Long.prototype.toString.call(m.secondsDown) : o.longs === $Number ? new $util.LongBits(m.secondsDown.low >>> 0, m.secondsDown.high >>> 0).toNumber(true) : m.secondsDown;
                }
                if (m.eventsProcessed != null && $Object.hasOwnProperty.call(m, "eventsProcessed")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.eventsProcessed = typeof m.eventsProcessed === "number" ? $BigInt(m.eventsProcessed) : $util.Long.fromBits(m.eventsProcessed.low >>> 0, m.eventsProcessed.high >>> 0, true).toBigInt();
                    else if (typeof m.eventsProcessed === "number")
                        d.eventsProcessed = o.longs === $String ? $String(m.eventsProcessed) : m.eventsProcessed;
                    else
                        d.eventsProcessed = o.longs === $String ? $util.Long.prototype.toString.call(m.eventsProcessed) : o.longs === $Number ? new $util.LongBits(m.eventsProcessed.low >>> 0, m.eventsProcessed.high >>> 0).toNumber(true) : m.eventsProcessed;
                }
                if (m.eventsDropped != null && $Object.hasOwnProperty.call(m, "eventsDropped")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.eventsDropped = typeof m.eventsDropped === "number" ? $BigInt(m.eventsDropped) : $util.Long.fromBits(m.eventsDropped.low >>> 0, m.eventsDropped.high >>> 0, true).toBigInt();
                    else if (typeof m.eventsDropped === "number")
                        d.eventsDropped = o.longs === $String ? $String(m.eventsDropped) : m.eventsDropped;
                    else
                        d.eventsDropped = o.longs === $String ? $util.Long.prototype.toString.call(m.eventsDropped) : o.longs === $Number ? new $util.LongBits(m.eventsDropped.low >>> 0, m.eventsDropped.high >>> 0).toNumber(true) : m.eventsDropped;
                }
                if (m.lagBucketBoundsMs && m.lagBucketBoundsMs.length) {
                    d.lagBucketBoundsMs = $Array(m.lagBucketBoundsMs.length);
                    for (var j = 0; j < m.lagBucketBoundsMs.length; ++j) {
                        if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                            d.lagBucketBoundsMs[j] = typeof m.lagBucketBoundsMs[j] === "number" ? $BigInt(m.lagBucketBoundsMs[j]) : $util.Long.fromBits(m.lagBucketBoundsMs[j].low >>> 0, m.lagBucketBoundsMs[j].high >>> 0, true).toBigInt();
                        else if (typeof m.lagBucketBoundsMs[j] === "number")
                            d.lagBucketBoundsMs[j] = o.longs === $String ? $String(m.lagBucketBoundsMs[j]) : m.lagBucketBoundsMs[j];
                        else
                            d.lagBucketBoundsMs[j] = o.longs === $String ? $util.Long.prototype.toString.call(m.lagBucketBoundsMs[j]) : o.longs === $Number ? new $util.LongBits(m.lagBucketBoundsMs[j].low >>> 0, m.lagBucketBoundsMs[j].high >>> 0).toNumber(true) : m.lagBucketBoundsMs[j];
                    }
                }
                if (m.lagBucketCounts && m.lagBucketCounts.length) {
                    d.lagBucketCounts = $Array(m.lagBucketCounts.length);
                    for (var j = 0; j < m.lagBucketCounts.length; ++j) {
                        if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                            d.lagBucketCounts[j] = typeof m.lagBucketCounts[j] === "number" ? $BigInt(m.lagBucketCounts[j]) : $util.Long.fromBits(m.lagBucketCounts[j].low >>> 0, m.lagBucketCounts[j].high >>> 0, true).toBigInt();
                        else if (typeof m.lagBucketCounts[j] === "number")
                            d.lagBucketCounts[j] = o.longs === $String ? $String(m.lagBucketCounts[j]) : m.lagBucketCounts[j];
                        else
                            d.lagBucketCounts[j] = o.longs === $String ? $util.Long.prototype.toString.call(m.lagBucketCounts[j]) : o.longs === $Number ? new $util.LongBits(m.lagBucketCounts[j].low >>> 0, m.lagBucketCounts[j].high >>> 0).toNumber(true) : m.lagBucketCounts[j];
                    }
                }
                return d;
            };

            /**
             * Converts this KpiReport to JSON.
             * @function toJSON
             * @memberof verge.v1.KpiReport
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            KpiReport.prototype.toJSON = function() {
                return KpiReport.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for KpiReport
             * @function getTypeUrl
             * @memberof verge.v1.KpiReport
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            KpiReport.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.KpiReport";
            };

            return KpiReport;
        })();

        /**
         * AckStatus enum.
         * @name verge.v1.AckStatus
         * @enum {number}
         * @property {number} ACK_STATUS_UNSPECIFIED=0 ACK_STATUS_UNSPECIFIED value
         * @property {number} ACK_STATUS_ACCEPTED=1 ACK_STATUS_ACCEPTED value
         * @property {number} ACK_STATUS_DONE=2 ACK_STATUS_DONE value
         * @property {number} ACK_STATUS_REJECTED=3 ACK_STATUS_REJECTED value
         * @property {number} ACK_STATUS_FAILED=4 ACK_STATUS_FAILED value
         */
        v1.AckStatus = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "ACK_STATUS_UNSPECIFIED"] = 0;
            values[valuesById[1] = "ACK_STATUS_ACCEPTED"] = 1;
            values[valuesById[2] = "ACK_STATUS_DONE"] = 2;
            values[valuesById[3] = "ACK_STATUS_REJECTED"] = 3;
            values[valuesById[4] = "ACK_STATUS_FAILED"] = 4;
            return values;
        })();

        v1.CommandAck = (function() {

            /**
             * Properties of a CommandAck.
             * @typedef {Object} verge.v1.CommandAck.$Properties
             * @property {string|null} [deviceId] CommandAck deviceId
             * @property {number|null} [seq] CommandAck seq
             * @property {number|null} [eventTime] CommandAck eventTime
             * @property {string|null} [commandId] CommandAck commandId
             * @property {number|null} [commandSeq] CommandAck commandSeq
             * @property {verge.v1.AckStatus|null} [status] CommandAck status
             * @property {string|null} [reason] CommandAck reason
             * @property {string|null} [detail] CommandAck detail
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a CommandAck.
             * @memberof verge.v1
             * @interface ICommandAck
             * @augments verge.v1.CommandAck.$Properties
             * @deprecated Use verge.v1.CommandAck.$Properties instead.
             */

            /**
             * Shape of a CommandAck.
             * @typedef {verge.v1.CommandAck.$Properties} verge.v1.CommandAck.$Shape
             */

            /**
             * Constructs a new CommandAck.
             * @memberof verge.v1
             * @classdesc Represents a CommandAck.
             * @constructor
             * @param {verge.v1.CommandAck.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const CommandAck = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * CommandAck deviceId.
             * @member {string} deviceId
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.deviceId = "";

            /**
             * CommandAck seq.
             * @member {number} seq
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * CommandAck eventTime.
             * @member {number} eventTime
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.eventTime = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * CommandAck commandId.
             * @member {string} commandId
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.commandId = "";

            /**
             * CommandAck commandSeq.
             * @member {number} commandSeq
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.commandSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * CommandAck status.
             * @member {verge.v1.AckStatus} status
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.status = 0;

            /**
             * CommandAck reason.
             * @member {string} reason
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.reason = "";

            /**
             * CommandAck detail.
             * @member {string} detail
             * @memberof verge.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.detail = "";

            /**
             * Creates a new CommandAck instance using the specified properties.
             * @function create
             * @memberof verge.v1.CommandAck
             * @static
             * @param {verge.v1.CommandAck.$Properties=} [properties] Properties to set
             * @returns {verge.v1.CommandAck} CommandAck instance
             * @type {{
             *   (properties: verge.v1.CommandAck.$Shape): verge.v1.CommandAck & verge.v1.CommandAck.$Shape;
             *   (properties?: verge.v1.CommandAck.$Properties): verge.v1.CommandAck;
             * }}
             */
            CommandAck.create = function(properties) {
                return new CommandAck(properties);
            };

            /**
             * Encodes the specified CommandAck message. Does not implicitly {@link verge.v1.CommandAck.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.CommandAck
             * @static
             * @param {verge.v1.CommandAck.$Properties} m CommandAck message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CommandAck.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime") && (typeof m.eventTime === "object" ? m.eventTime.low || m.eventTime.high : m.eventTime !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.eventTime);
                if (m.commandId != null && $Object.hasOwnProperty.call(m, "commandId") && m.commandId !== "")
                    w.uint32(/* id 4, wireType 2 =*/34).string(m.commandId);
                if (m.commandSeq != null && $Object.hasOwnProperty.call(m, "commandSeq") && (typeof m.commandSeq === "object" ? m.commandSeq.low || m.commandSeq.high : m.commandSeq !== 0))
                    w.uint32(/* id 5, wireType 0 =*/40).uint64(m.commandSeq);
                if (m.status != null && $Object.hasOwnProperty.call(m, "status") && m.status !== 0)
                    w.uint32(/* id 6, wireType 0 =*/48).int32(m.status);
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason") && m.reason !== "")
                    w.uint32(/* id 7, wireType 2 =*/58).string(m.reason);
                if (m.detail != null && $Object.hasOwnProperty.call(m, "detail") && m.detail !== "")
                    w.uint32(/* id 8, wireType 2 =*/66).string(m.detail);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified CommandAck message, length delimited. Does not implicitly {@link verge.v1.CommandAck.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.CommandAck
             * @static
             * @param {verge.v1.CommandAck.$Properties} message CommandAck message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CommandAck.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a CommandAck message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.CommandAck
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.CommandAck & verge.v1.CommandAck.$Shape} CommandAck
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CommandAck.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.CommandAck();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.eventTime = v;
                            else
                                delete m.eventTime;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.commandId = v;
                            else
                                delete m.commandId;
                            continue;
                        }
                    case 5: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.commandSeq = v;
                            else
                                delete m.commandSeq;
                            continue;
                        }
                    case 6: {
                            if (u !== 0)
                                break;
                            if (v = r.int32())
                                m.status = v;
                            else
                                delete m.status;
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.reason = v;
                            else
                                delete m.reason;
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.detail = v;
                            else
                                delete m.detail;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a CommandAck message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.CommandAck
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.CommandAck & verge.v1.CommandAck.$Shape} CommandAck
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CommandAck.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a CommandAck message.
             * @function verify
             * @memberof verge.v1.CommandAck
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            CommandAck.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    if (!$util.isString(m.deviceId))
                        return "deviceId: string expected";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (!$util.isInteger(m.seq) && !(m.seq && $util.isInteger(m.seq.low) && $util.isInteger(m.seq.high)))
                        return "seq: integer|Long expected";
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (!$util.isInteger(m.eventTime) && !(m.eventTime && $util.isInteger(m.eventTime.low) && $util.isInteger(m.eventTime.high)))
                        return "eventTime: integer|Long expected";
                }
                if (m.commandId != null && $Object.hasOwnProperty.call(m, "commandId")) {
                    if (!$util.isString(m.commandId))
                        return "commandId: string expected";
                }
                if (m.commandSeq != null && $Object.hasOwnProperty.call(m, "commandSeq")) {
                    if (!$util.isInteger(m.commandSeq) && !(m.commandSeq && $util.isInteger(m.commandSeq.low) && $util.isInteger(m.commandSeq.high)))
                        return "commandSeq: integer|Long expected";
                }
                if (m.status != null && $Object.hasOwnProperty.call(m, "status")) {
                    if (typeof m.status !== "number" || (m.status | 0) !== m.status)
                        return "status: enum value expected";
                }
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason")) {
                    if (!$util.isString(m.reason))
                        return "reason: string expected";
                }
                if (m.detail != null && $Object.hasOwnProperty.call(m, "detail")) {
                    if (!$util.isString(m.detail))
                        return "detail: string expected";
                }
                return null;
            };

            /**
             * Creates a CommandAck message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.CommandAck
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.CommandAck} CommandAck
             */
            CommandAck.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.CommandAck)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.CommandAck: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.CommandAck();
                if (d.deviceId != null) {
                    if (typeof d.deviceId !== "string" || d.deviceId.length) {
                        m.deviceId = $String(d.deviceId);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.eventTime != null) {
                    if (typeof d.eventTime === "object" ? d.eventTime.low || d.eventTime.high : $Number(d.eventTime) !== 0) {
                        if ($util.Long)
                            m.eventTime = $util.Long.fromValue(d.eventTime, true);
                        else if (typeof d.eventTime === "string")
                            m.eventTime = $parseInt(d.eventTime, 10);
                        else if (typeof d.eventTime === "number")
                            m.eventTime = d.eventTime;
                        else if (typeof d.eventTime === "object")
                            m.eventTime = new $util.LongBits(d.eventTime.low >>> 0, d.eventTime.high >>> 0).toNumber(true);
                    }
                }
                if (d.commandId != null) {
                    if (typeof d.commandId !== "string" || d.commandId.length) {
                        m.commandId = $String(d.commandId);
                    }
                }
                if (d.commandSeq != null) {
                    if (typeof d.commandSeq === "object" ? d.commandSeq.low || d.commandSeq.high : $Number(d.commandSeq) !== 0) {
                        if ($util.Long)
                            m.commandSeq = $util.Long.fromValue(d.commandSeq, true);
                        else if (typeof d.commandSeq === "string")
                            m.commandSeq = $parseInt(d.commandSeq, 10);
                        else if (typeof d.commandSeq === "number")
                            m.commandSeq = d.commandSeq;
                        else if (typeof d.commandSeq === "object")
                            m.commandSeq = new $util.LongBits(d.commandSeq.low >>> 0, d.commandSeq.high >>> 0).toNumber(true);
                    }
                }
                if (d.status !== 0 && (typeof d.status !== "string" || $root.verge.v1.AckStatus[d.status] !== 0)) {
                    switch (d.status) {
                    case "ACK_STATUS_UNSPECIFIED":
                    case 0:
                        m.status = 0;
                        break;
                    case "ACK_STATUS_ACCEPTED":
                    case 1:
                        m.status = 1;
                        break;
                    case "ACK_STATUS_DONE":
                    case 2:
                        m.status = 2;
                        break;
                    case "ACK_STATUS_REJECTED":
                    case 3:
                        m.status = 3;
                        break;
                    case "ACK_STATUS_FAILED":
                    case 4:
                        m.status = 4;
                        break;
                    default:
                        if (typeof d.status === "number" && (d.status | 0) === d.status)
                            m.status = d.status;
                    }
                }
                if (d.reason != null) {
                    if (typeof d.reason !== "string" || d.reason.length) {
                        m.reason = $String(d.reason);
                    }
                }
                if (d.detail != null) {
                    if (typeof d.detail !== "string" || d.detail.length) {
                        m.detail = $String(d.detail);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a CommandAck message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.CommandAck
             * @static
             * @param {verge.v1.CommandAck} m CommandAck
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            CommandAck.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.deviceId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.eventTime = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.eventTime = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.commandId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.commandSeq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.commandSeq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.status = o.enums === $String ? "ACK_STATUS_UNSPECIFIED" : 0;
                    d.reason = "";
                    d.detail = "";
                }
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    d.deviceId = m.deviceId;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.eventTime = typeof m.eventTime === "number" ? $BigInt(m.eventTime) : $util.Long.fromBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0, true).toBigInt();
                    else if (typeof m.eventTime === "number")
                        d.eventTime = o.longs === $String ? $String(m.eventTime) : m.eventTime;
                    else
                        d.eventTime = o.longs === $String ? $util.Long.prototype.toString.call(m.eventTime) : o.longs === $Number ? new $util.LongBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0).toNumber(true) : m.eventTime;
                }
                if (m.commandId != null && $Object.hasOwnProperty.call(m, "commandId")) {
                    d.commandId = m.commandId;
                }
                if (m.commandSeq != null && $Object.hasOwnProperty.call(m, "commandSeq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.commandSeq = typeof m.commandSeq === "number" ? $BigInt(m.commandSeq) : $util.Long.fromBits(m.commandSeq.low >>> 0, m.commandSeq.high >>> 0, true).toBigInt();
                    else if (typeof m.commandSeq === "number")
                        d.commandSeq = o.longs === $String ? $String(m.commandSeq) : m.commandSeq;
                    else
                        d.commandSeq = o.longs === $String ? $util.Long.prototype.toString.call(m.commandSeq) : o.longs === $Number ? new $util.LongBits(m.commandSeq.low >>> 0, m.commandSeq.high >>> 0).toNumber(true) : m.commandSeq;
                }
                if (m.status != null && $Object.hasOwnProperty.call(m, "status")) {
                    d.status = o.enums === $String ? $root.verge.v1.AckStatus[m.status] === $undefined ? m.status : $root.verge.v1.AckStatus[m.status] : m.status;
                }
                if (m.reason != null && $Object.hasOwnProperty.call(m, "reason")) {
                    d.reason = m.reason;
                }
                if (m.detail != null && $Object.hasOwnProperty.call(m, "detail")) {
                    d.detail = m.detail;
                }
                return d;
            };

            /**
             * Converts this CommandAck to JSON.
             * @function toJSON
             * @memberof verge.v1.CommandAck
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            CommandAck.prototype.toJSON = function() {
                return CommandAck.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for CommandAck
             * @function getTypeUrl
             * @memberof verge.v1.CommandAck
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            CommandAck.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.CommandAck";
            };

            return CommandAck;
        })();

        v1.ComponentVersion = (function() {

            /**
             * Properties of a ComponentVersion.
             * @typedef {Object} verge.v1.ComponentVersion.$Properties
             * @property {string|null} [name] ComponentVersion name
             * @property {string|null} [version] ComponentVersion version
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ComponentVersion.
             * @memberof verge.v1
             * @interface IComponentVersion
             * @augments verge.v1.ComponentVersion.$Properties
             * @deprecated Use verge.v1.ComponentVersion.$Properties instead.
             */

            /**
             * Shape of a ComponentVersion.
             * @typedef {verge.v1.ComponentVersion.$Properties} verge.v1.ComponentVersion.$Shape
             */

            /**
             * Constructs a new ComponentVersion.
             * @memberof verge.v1
             * @classdesc Represents a ComponentVersion.
             * @constructor
             * @param {verge.v1.ComponentVersion.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ComponentVersion = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * ComponentVersion name.
             * @member {string} name
             * @memberof verge.v1.ComponentVersion
             * @instance
             */
            ComponentVersion.prototype.name = "";

            /**
             * ComponentVersion version.
             * @member {string} version
             * @memberof verge.v1.ComponentVersion
             * @instance
             */
            ComponentVersion.prototype.version = "";

            /**
             * Creates a new ComponentVersion instance using the specified properties.
             * @function create
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {verge.v1.ComponentVersion.$Properties=} [properties] Properties to set
             * @returns {verge.v1.ComponentVersion} ComponentVersion instance
             * @type {{
             *   (properties: verge.v1.ComponentVersion.$Shape): verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape;
             *   (properties?: verge.v1.ComponentVersion.$Properties): verge.v1.ComponentVersion;
             * }}
             */
            ComponentVersion.create = function(properties) {
                return new ComponentVersion(properties);
            };

            /**
             * Encodes the specified ComponentVersion message. Does not implicitly {@link verge.v1.ComponentVersion.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {verge.v1.ComponentVersion.$Properties} m ComponentVersion message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ComponentVersion.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.name != null && $Object.hasOwnProperty.call(m, "name") && m.name !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.name);
                if (m.version != null && $Object.hasOwnProperty.call(m, "version") && m.version !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.version);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified ComponentVersion message, length delimited. Does not implicitly {@link verge.v1.ComponentVersion.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {verge.v1.ComponentVersion.$Properties} message ComponentVersion message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ComponentVersion.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ComponentVersion message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape} ComponentVersion
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ComponentVersion.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.ComponentVersion();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.name = v;
                            else
                                delete m.name;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.version = v;
                            else
                                delete m.version;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a ComponentVersion message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape} ComponentVersion
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ComponentVersion.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ComponentVersion message.
             * @function verify
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ComponentVersion.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    if (!$util.isString(m.name))
                        return "name: string expected";
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    if (!$util.isString(m.version))
                        return "version: string expected";
                }
                return null;
            };

            /**
             * Creates a ComponentVersion message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.ComponentVersion} ComponentVersion
             */
            ComponentVersion.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.ComponentVersion)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.ComponentVersion: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.ComponentVersion();
                if (d.name != null) {
                    if (typeof d.name !== "string" || d.name.length) {
                        m.name = $String(d.name);
                    }
                }
                if (d.version != null) {
                    if (typeof d.version !== "string" || d.version.length) {
                        m.version = $String(d.version);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a ComponentVersion message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {verge.v1.ComponentVersion} m ComponentVersion
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ComponentVersion.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.name = "";
                    d.version = "";
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    d.name = m.name;
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    d.version = m.version;
                }
                return d;
            };

            /**
             * Converts this ComponentVersion to JSON.
             * @function toJSON
             * @memberof verge.v1.ComponentVersion
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ComponentVersion.prototype.toJSON = function() {
                return ComponentVersion.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ComponentVersion
             * @function getTypeUrl
             * @memberof verge.v1.ComponentVersion
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ComponentVersion.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.ComponentVersion";
            };

            return ComponentVersion;
        })();

        v1.Slot = (function() {

            /**
             * Properties of a Slot.
             * @typedef {Object} verge.v1.Slot.$Properties
             * @property {string|null} [name] Slot name
             * @property {string|null} [releaseId] Slot releaseId
             * @property {string|null} [version] Slot version
             * @property {boolean|null} [active] Slot active
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Slot.
             * @memberof verge.v1
             * @interface ISlot
             * @augments verge.v1.Slot.$Properties
             * @deprecated Use verge.v1.Slot.$Properties instead.
             */

            /**
             * Shape of a Slot.
             * @typedef {verge.v1.Slot.$Properties} verge.v1.Slot.$Shape
             */

            /**
             * Constructs a new Slot.
             * @memberof verge.v1
             * @classdesc Represents a Slot.
             * @constructor
             * @param {verge.v1.Slot.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Slot = function (p) {
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Slot name.
             * @member {string} name
             * @memberof verge.v1.Slot
             * @instance
             */
            Slot.prototype.name = "";

            /**
             * Slot releaseId.
             * @member {string} releaseId
             * @memberof verge.v1.Slot
             * @instance
             */
            Slot.prototype.releaseId = "";

            /**
             * Slot version.
             * @member {string} version
             * @memberof verge.v1.Slot
             * @instance
             */
            Slot.prototype.version = "";

            /**
             * Slot active.
             * @member {boolean} active
             * @memberof verge.v1.Slot
             * @instance
             */
            Slot.prototype.active = false;

            /**
             * Creates a new Slot instance using the specified properties.
             * @function create
             * @memberof verge.v1.Slot
             * @static
             * @param {verge.v1.Slot.$Properties=} [properties] Properties to set
             * @returns {verge.v1.Slot} Slot instance
             * @type {{
             *   (properties: verge.v1.Slot.$Shape): verge.v1.Slot & verge.v1.Slot.$Shape;
             *   (properties?: verge.v1.Slot.$Properties): verge.v1.Slot;
             * }}
             */
            Slot.create = function(properties) {
                return new Slot(properties);
            };

            /**
             * Encodes the specified Slot message. Does not implicitly {@link verge.v1.Slot.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.Slot
             * @static
             * @param {verge.v1.Slot.$Properties} m Slot message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Slot.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.name != null && $Object.hasOwnProperty.call(m, "name") && m.name !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.name);
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId") && m.releaseId !== "")
                    w.uint32(/* id 2, wireType 2 =*/18).string(m.releaseId);
                if (m.version != null && $Object.hasOwnProperty.call(m, "version") && m.version !== "")
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.version);
                if (m.active != null && $Object.hasOwnProperty.call(m, "active") && m.active !== false)
                    w.uint32(/* id 4, wireType 0 =*/32).bool(m.active);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Slot message, length delimited. Does not implicitly {@link verge.v1.Slot.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.Slot
             * @static
             * @param {verge.v1.Slot.$Properties} message Slot message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Slot.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Slot message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.Slot
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.Slot & verge.v1.Slot.$Shape} Slot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Slot.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.Slot();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.name = v;
                            else
                                delete m.name;
                            continue;
                        }
                    case 2: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.releaseId = v;
                            else
                                delete m.releaseId;
                            continue;
                        }
                    case 3: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.version = v;
                            else
                                delete m.version;
                            continue;
                        }
                    case 4: {
                            if (u !== 0)
                                break;
                            if (v = r.bool())
                                m.active = v;
                            else
                                delete m.active;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes a Slot message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.Slot
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.Slot & verge.v1.Slot.$Shape} Slot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Slot.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Slot message.
             * @function verify
             * @memberof verge.v1.Slot
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Slot.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    if (!$util.isString(m.name))
                        return "name: string expected";
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    if (!$util.isString(m.releaseId))
                        return "releaseId: string expected";
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    if (!$util.isString(m.version))
                        return "version: string expected";
                }
                if (m.active != null && $Object.hasOwnProperty.call(m, "active")) {
                    if (typeof m.active !== "boolean")
                        return "active: boolean expected";
                }
                return null;
            };

            /**
             * Creates a Slot message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.Slot
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.Slot} Slot
             */
            Slot.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.Slot)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.Slot: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.Slot();
                if (d.name != null) {
                    if (typeof d.name !== "string" || d.name.length) {
                        m.name = $String(d.name);
                    }
                }
                if (d.releaseId != null) {
                    if (typeof d.releaseId !== "string" || d.releaseId.length) {
                        m.releaseId = $String(d.releaseId);
                    }
                }
                if (d.version != null) {
                    if (typeof d.version !== "string" || d.version.length) {
                        m.version = $String(d.version);
                    }
                }
                if (d.active != null) {
                    if (d.active) {
                        m.active = $Boolean(d.active);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from a Slot message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.Slot
             * @static
             * @param {verge.v1.Slot} m Slot
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Slot.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.defaults) {
                    d.name = "";
                    d.releaseId = "";
                    d.version = "";
                    d.active = false;
                }
                if (m.name != null && $Object.hasOwnProperty.call(m, "name")) {
                    d.name = m.name;
                }
                if (m.releaseId != null && $Object.hasOwnProperty.call(m, "releaseId")) {
                    d.releaseId = m.releaseId;
                }
                if (m.version != null && $Object.hasOwnProperty.call(m, "version")) {
                    d.version = m.version;
                }
                if (m.active != null && $Object.hasOwnProperty.call(m, "active")) {
                    d.active = m.active;
                }
                return d;
            };

            /**
             * Converts this Slot to JSON.
             * @function toJSON
             * @memberof verge.v1.Slot
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Slot.prototype.toJSON = function() {
                return Slot.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Slot
             * @function getTypeUrl
             * @memberof verge.v1.Slot
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Slot.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.Slot";
            };

            return Slot;
        })();

        v1.Inventory = (function() {

            /**
             * Properties of an Inventory.
             * @typedef {Object} verge.v1.Inventory.$Properties
             * @property {string|null} [deviceId] Inventory deviceId
             * @property {number|null} [seq] Inventory seq
             * @property {number|null} [eventTime] Inventory eventTime
             * @property {string|null} [variant] Inventory variant
             * @property {Array.<verge.v1.ComponentVersion.$Properties>|null} [components] Inventory components
             * @property {Array.<verge.v1.Slot.$Properties>|null} [slots] Inventory slots
             * @property {string|null} [agentVersion] Inventory agentVersion
             * @property {string|null} [currentReleaseId] Inventory currentReleaseId
             * @property {string|null} [previousReleaseId] Inventory previousReleaseId
             * @property {number|null} [highestCounter] Inventory highestCounter
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Inventory.
             * @memberof verge.v1
             * @interface IInventory
             * @augments verge.v1.Inventory.$Properties
             * @deprecated Use verge.v1.Inventory.$Properties instead.
             */

            /**
             * Shape of an Inventory.
             * @typedef {verge.v1.Inventory.$Properties} verge.v1.Inventory.$Shape
             */

            /**
             * Constructs a new Inventory.
             * @memberof verge.v1
             * @classdesc Represents an Inventory.
             * @constructor
             * @param {verge.v1.Inventory.$Properties=} [p] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Inventory = function (p) {
                this.components = [];
                this.slots = [];
                if (p)
                    for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            };

            /**
             * Inventory deviceId.
             * @member {string} deviceId
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.deviceId = "";

            /**
             * Inventory seq.
             * @member {number} seq
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Inventory eventTime.
             * @member {number} eventTime
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.eventTime = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Inventory variant.
             * @member {string} variant
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.variant = "";

            /**
             * Inventory components.
             * @member {Array.<verge.v1.ComponentVersion.$Properties>} components
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.components = $util.emptyArray;

            /**
             * Inventory slots.
             * @member {Array.<verge.v1.Slot.$Properties>} slots
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.slots = $util.emptyArray;

            /**
             * Inventory agentVersion.
             * @member {string} agentVersion
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.agentVersion = "";

            /**
             * Inventory currentReleaseId.
             * @member {string} currentReleaseId
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.currentReleaseId = "";

            /**
             * Inventory previousReleaseId.
             * @member {string} previousReleaseId
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.previousReleaseId = "";

            /**
             * Inventory highestCounter.
             * @member {number} highestCounter
             * @memberof verge.v1.Inventory
             * @instance
             */
            Inventory.prototype.highestCounter = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Inventory instance using the specified properties.
             * @function create
             * @memberof verge.v1.Inventory
             * @static
             * @param {verge.v1.Inventory.$Properties=} [properties] Properties to set
             * @returns {verge.v1.Inventory} Inventory instance
             * @type {{
             *   (properties: verge.v1.Inventory.$Shape): verge.v1.Inventory & verge.v1.Inventory.$Shape;
             *   (properties?: verge.v1.Inventory.$Properties): verge.v1.Inventory;
             * }}
             */
            Inventory.create = function(properties) {
                return new Inventory(properties);
            };

            /**
             * Encodes the specified Inventory message. Does not implicitly {@link verge.v1.Inventory.verify|verify} messages.
             * @function encode
             * @memberof verge.v1.Inventory
             * @static
             * @param {verge.v1.Inventory.$Properties} m Inventory message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Inventory.encode = function (m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId") && m.deviceId !== "")
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.deviceId);
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                    w.uint32(/* id 2, wireType 0 =*/16).uint64(m.seq);
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime") && (typeof m.eventTime === "object" ? m.eventTime.low || m.eventTime.high : m.eventTime !== 0))
                    w.uint32(/* id 3, wireType 0 =*/24).uint64(m.eventTime);
                if (m.variant != null && $Object.hasOwnProperty.call(m, "variant") && m.variant !== "")
                    w.uint32(/* id 4, wireType 2 =*/34).string(m.variant);
                if (m.components != null && m.components.length) {
                    for (var i = 0; i < m.components.length; ++i)
                        $root.verge.v1.ComponentVersion.encode(m.components[i], w.uint32(/* id 5, wireType 2 =*/42).fork(), q + 1).ldelim();
                }
                if (m.slots != null && m.slots.length) {
                    for (var i = 0; i < m.slots.length; ++i)
                        $root.verge.v1.Slot.encode(m.slots[i], w.uint32(/* id 6, wireType 2 =*/50).fork(), q + 1).ldelim();
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion") && m.agentVersion !== "")
                    w.uint32(/* id 7, wireType 2 =*/58).string(m.agentVersion);
                if (m.currentReleaseId != null && $Object.hasOwnProperty.call(m, "currentReleaseId") && m.currentReleaseId !== "")
                    w.uint32(/* id 8, wireType 2 =*/66).string(m.currentReleaseId);
                if (m.previousReleaseId != null && $Object.hasOwnProperty.call(m, "previousReleaseId") && m.previousReleaseId !== "")
                    w.uint32(/* id 9, wireType 2 =*/74).string(m.previousReleaseId);
                if (m.highestCounter != null && $Object.hasOwnProperty.call(m, "highestCounter") && (typeof m.highestCounter === "object" ? m.highestCounter.low || m.highestCounter.high : m.highestCounter !== 0))
                    w.uint32(/* id 10, wireType 0 =*/80).uint64(m.highestCounter);
                if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                    for (var i = 0; i < m.$unknowns.length; ++i)
                        w.raw(m.$unknowns[i]);
                return w;
            };

            /**
             * Encodes the specified Inventory message, length delimited. Does not implicitly {@link verge.v1.Inventory.verify|verify} messages.
             * @function encodeDelimited
             * @memberof verge.v1.Inventory
             * @static
             * @param {verge.v1.Inventory.$Properties} message Inventory message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Inventory.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an Inventory message from the specified reader or buffer.
             * @function decode
             * @memberof verge.v1.Inventory
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {verge.v1.Inventory & verge.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Inventory.decode = function (r, l, z, q, g) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (q === $undefined)
                    q = 0;
                if (q > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                var c, m, v;
                if (l === $undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw $RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = g || new $root.verge.v1.Inventory();
                while (r.pos < c) {
                    var s = r.pos;
                    var t = r.tag();
                    if (t === z) {
                        z = $undefined;
                        break;
                    }
                    var u = t & 7;
                    switch (t >>>= 3) {
                    case 1: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.deviceId = v;
                            else
                                delete m.deviceId;
                            continue;
                        }
                    case 2: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.seq = v;
                            else
                                delete m.seq;
                            continue;
                        }
                    case 3: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.eventTime = v;
                            else
                                delete m.eventTime;
                            continue;
                        }
                    case 4: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.variant = v;
                            else
                                delete m.variant;
                            continue;
                        }
                    case 5: {
                            if (u !== 2)
                                break;
                            if (!(m.components && m.components.length))
                                m.components = [];
                            m.components.push($root.verge.v1.ComponentVersion.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 6: {
                            if (u !== 2)
                                break;
                            if (!(m.slots && m.slots.length))
                                m.slots = [];
                            m.slots.push($root.verge.v1.Slot.decode(r, r.size(), $undefined, q + 1));
                            continue;
                        }
                    case 7: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.agentVersion = v;
                            else
                                delete m.agentVersion;
                            continue;
                        }
                    case 8: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.currentReleaseId = v;
                            else
                                delete m.currentReleaseId;
                            continue;
                        }
                    case 9: {
                            if (u !== 2)
                                break;
                            if ((v = r.stringVerify()).length)
                                m.previousReleaseId = v;
                            else
                                delete m.previousReleaseId;
                            continue;
                        }
                    case 10: {
                            if (u !== 0)
                                break;
                            if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                                m.highestCounter = v;
                            else
                                delete m.highestCounter;
                            continue;
                        }
                    }
                    r.skipType(u, q, t);
                    if (!r.discardUnknown) {
                        $util.makeProp(m, "$unknowns", false);
                        (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                    }
                }
                if (l !== $undefined) {
                    if (r.pos !== c)
                        throw $RangeError("index out of range");
                    r.len = l;
                }
                if (z !== $undefined)
                    throw $Error("missing end group");
                return m;
            };

            /**
             * Decodes an Inventory message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof verge.v1.Inventory
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {verge.v1.Inventory & verge.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Inventory.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an Inventory message.
             * @function verify
             * @memberof verge.v1.Inventory
             * @static
             * @param {Object.<string,*>} m Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Inventory.verify = function (m, q) {
                if (typeof m !== "object" || m === null)
                    return "object expected";
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    return "max depth exceeded";
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    if (!$util.isString(m.deviceId))
                        return "deviceId: string expected";
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (!$util.isInteger(m.seq) && !(m.seq && $util.isInteger(m.seq.low) && $util.isInteger(m.seq.high)))
                        return "seq: integer|Long expected";
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (!$util.isInteger(m.eventTime) && !(m.eventTime && $util.isInteger(m.eventTime.low) && $util.isInteger(m.eventTime.high)))
                        return "eventTime: integer|Long expected";
                }
                if (m.variant != null && $Object.hasOwnProperty.call(m, "variant")) {
                    if (!$util.isString(m.variant))
                        return "variant: string expected";
                }
                if (m.components != null && $Object.hasOwnProperty.call(m, "components")) {
                    if (!$Array.isArray(m.components))
                        return "components: array expected";
                    for (var i = 0; i < m.components.length; ++i) {
                        {
                            var e = $root.verge.v1.ComponentVersion.verify(m.components[i], q + 1);
                            if (e)
                                return "components." + e;
                        }
                    }
                }
                if (m.slots != null && $Object.hasOwnProperty.call(m, "slots")) {
                    if (!$Array.isArray(m.slots))
                        return "slots: array expected";
                    for (var i = 0; i < m.slots.length; ++i) {
                        {
                            var e = $root.verge.v1.Slot.verify(m.slots[i], q + 1);
                            if (e)
                                return "slots." + e;
                        }
                    }
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion")) {
                    if (!$util.isString(m.agentVersion))
                        return "agentVersion: string expected";
                }
                if (m.currentReleaseId != null && $Object.hasOwnProperty.call(m, "currentReleaseId")) {
                    if (!$util.isString(m.currentReleaseId))
                        return "currentReleaseId: string expected";
                }
                if (m.previousReleaseId != null && $Object.hasOwnProperty.call(m, "previousReleaseId")) {
                    if (!$util.isString(m.previousReleaseId))
                        return "previousReleaseId: string expected";
                }
                if (m.highestCounter != null && $Object.hasOwnProperty.call(m, "highestCounter")) {
                    if (!$util.isInteger(m.highestCounter) && !(m.highestCounter && $util.isInteger(m.highestCounter.low) && $util.isInteger(m.highestCounter.high)))
                        return "highestCounter: integer|Long expected";
                }
                return null;
            };

            /**
             * Creates an Inventory message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof verge.v1.Inventory
             * @static
             * @param {Object.<string,*>} d Plain object
             * @returns {verge.v1.Inventory} Inventory
             */
            Inventory.fromObject = function (d, q) {
                if (d instanceof $root.verge.v1.Inventory)
                    return d;
                if (!$util.isObject(d))
                    throw $TypeError(".verge.v1.Inventory: object expected");
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var m = new $root.verge.v1.Inventory();
                if (d.deviceId != null) {
                    if (typeof d.deviceId !== "string" || d.deviceId.length) {
                        m.deviceId = $String(d.deviceId);
                    }
                }
                if (d.seq != null) {
                    if (typeof d.seq === "object" ? d.seq.low || d.seq.high : $Number(d.seq) !== 0) {
                        if ($util.Long)
                            m.seq = $util.Long.fromValue(d.seq, true);
                        else if (typeof d.seq === "string")
                            m.seq = $parseInt(d.seq, 10);
                        else if (typeof d.seq === "number")
                            m.seq = d.seq;
                        else if (typeof d.seq === "object")
                            m.seq = new $util.LongBits(d.seq.low >>> 0, d.seq.high >>> 0).toNumber(true);
                    }
                }
                if (d.eventTime != null) {
                    if (typeof d.eventTime === "object" ? d.eventTime.low || d.eventTime.high : $Number(d.eventTime) !== 0) {
                        if ($util.Long)
                            m.eventTime = $util.Long.fromValue(d.eventTime, true);
                        else if (typeof d.eventTime === "string")
                            m.eventTime = $parseInt(d.eventTime, 10);
                        else if (typeof d.eventTime === "number")
                            m.eventTime = d.eventTime;
                        else if (typeof d.eventTime === "object")
                            m.eventTime = new $util.LongBits(d.eventTime.low >>> 0, d.eventTime.high >>> 0).toNumber(true);
                    }
                }
                if (d.variant != null) {
                    if (typeof d.variant !== "string" || d.variant.length) {
                        m.variant = $String(d.variant);
                    }
                }
                if (d.components) {
                    if (!$Array.isArray(d.components))
                        throw $TypeError(".verge.v1.Inventory.components: array expected");
                    m.components = $Array(d.components.length);
                    for (var i = 0; i < d.components.length; ++i) {
                        if (!$util.isObject(d.components[i]))
                            throw $TypeError(".verge.v1.Inventory.components: object expected");
                        m.components[i] = $root.verge.v1.ComponentVersion.fromObject(d.components[i], q + 1);
                    }
                }
                if (d.slots) {
                    if (!$Array.isArray(d.slots))
                        throw $TypeError(".verge.v1.Inventory.slots: array expected");
                    m.slots = $Array(d.slots.length);
                    for (var i = 0; i < d.slots.length; ++i) {
                        if (!$util.isObject(d.slots[i]))
                            throw $TypeError(".verge.v1.Inventory.slots: object expected");
                        m.slots[i] = $root.verge.v1.Slot.fromObject(d.slots[i], q + 1);
                    }
                }
                if (d.agentVersion != null) {
                    if (typeof d.agentVersion !== "string" || d.agentVersion.length) {
                        m.agentVersion = $String(d.agentVersion);
                    }
                }
                if (d.currentReleaseId != null) {
                    if (typeof d.currentReleaseId !== "string" || d.currentReleaseId.length) {
                        m.currentReleaseId = $String(d.currentReleaseId);
                    }
                }
                if (d.previousReleaseId != null) {
                    if (typeof d.previousReleaseId !== "string" || d.previousReleaseId.length) {
                        m.previousReleaseId = $String(d.previousReleaseId);
                    }
                }
                if (d.highestCounter != null) {
                    if (typeof d.highestCounter === "object" ? d.highestCounter.low || d.highestCounter.high : $Number(d.highestCounter) !== 0) {
                        if ($util.Long)
                            m.highestCounter = $util.Long.fromValue(d.highestCounter, true);
                        else if (typeof d.highestCounter === "string")
                            m.highestCounter = $parseInt(d.highestCounter, 10);
                        else if (typeof d.highestCounter === "number")
                            m.highestCounter = d.highestCounter;
                        else if (typeof d.highestCounter === "object")
                            m.highestCounter = new $util.LongBits(d.highestCounter.low >>> 0, d.highestCounter.high >>> 0).toNumber(true);
                    }
                }
                return m;
            };

            /**
             * Creates a plain object from an Inventory message. Also converts values to other types if specified.
             * @function toObject
             * @memberof verge.v1.Inventory
             * @static
             * @param {verge.v1.Inventory} m Inventory
             * @param {$protobuf.IConversionOptions} [o] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Inventory.toObject = function (m, o, q) {
                if (!o)
                    o = {};
                if (q === $undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                var d = {};
                if (o.arrays || o.defaults) {
                    d.components = [];
                    d.slots = [];
                }
                if (o.defaults) {
                    d.deviceId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.seq = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.seq = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.eventTime = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.eventTime = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                    d.variant = "";
                    d.agentVersion = "";
                    d.currentReleaseId = "";
                    d.previousReleaseId = "";
                    if ($util.Long) {
                        var n = new $util.Long(0, 0, true);
                        d.highestCounter = o.longs === $String ? n.toString() : o.longs === $Number ? n.toNumber() : typeof $BigInt !== "undefined" && o.longs === $BigInt ? n.toBigInt() : n;
                    } else
                        d.highestCounter = o.longs === $String ? "0" : typeof $BigInt !== "undefined" && o.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (m.deviceId != null && $Object.hasOwnProperty.call(m, "deviceId")) {
                    d.deviceId = m.deviceId;
                }
                if (m.seq != null && $Object.hasOwnProperty.call(m, "seq")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.seq = typeof m.seq === "number" ? $BigInt(m.seq) : $util.Long.fromBits(m.seq.low >>> 0, m.seq.high >>> 0, true).toBigInt();
                    else if (typeof m.seq === "number")
                        d.seq = o.longs === $String ? $String(m.seq) : m.seq;
                    else
                        d.seq = o.longs === $String ? $util.Long.prototype.toString.call(m.seq) : o.longs === $Number ? new $util.LongBits(m.seq.low >>> 0, m.seq.high >>> 0).toNumber(true) : m.seq;
                }
                if (m.eventTime != null && $Object.hasOwnProperty.call(m, "eventTime")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.eventTime = typeof m.eventTime === "number" ? $BigInt(m.eventTime) : $util.Long.fromBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0, true).toBigInt();
                    else if (typeof m.eventTime === "number")
                        d.eventTime = o.longs === $String ? $String(m.eventTime) : m.eventTime;
                    else
                        d.eventTime = o.longs === $String ? $util.Long.prototype.toString.call(m.eventTime) : o.longs === $Number ? new $util.LongBits(m.eventTime.low >>> 0, m.eventTime.high >>> 0).toNumber(true) : m.eventTime;
                }
                if (m.variant != null && $Object.hasOwnProperty.call(m, "variant")) {
                    d.variant = m.variant;
                }
                if (m.components && m.components.length) {
                    d.components = $Array(m.components.length);
                    for (var j = 0; j < m.components.length; ++j) {
                        d.components[j] = $root.verge.v1.ComponentVersion.toObject(m.components[j], o, q + 1);
                    }
                }
                if (m.slots && m.slots.length) {
                    d.slots = $Array(m.slots.length);
                    for (var j = 0; j < m.slots.length; ++j) {
                        d.slots[j] = $root.verge.v1.Slot.toObject(m.slots[j], o, q + 1);
                    }
                }
                if (m.agentVersion != null && $Object.hasOwnProperty.call(m, "agentVersion")) {
                    d.agentVersion = m.agentVersion;
                }
                if (m.currentReleaseId != null && $Object.hasOwnProperty.call(m, "currentReleaseId")) {
                    d.currentReleaseId = m.currentReleaseId;
                }
                if (m.previousReleaseId != null && $Object.hasOwnProperty.call(m, "previousReleaseId")) {
                    d.previousReleaseId = m.previousReleaseId;
                }
                if (m.highestCounter != null && $Object.hasOwnProperty.call(m, "highestCounter")) {
                    if (typeof $BigInt !== "undefined" && o.longs === $BigInt)
                        d.highestCounter = typeof m.highestCounter === "number" ? $BigInt(m.highestCounter) : $util.Long.fromBits(m.highestCounter.low >>> 0, m.highestCounter.high >>> 0, true).toBigInt();
                    else if (typeof m.highestCounter === "number")
                        d.highestCounter = o.longs === $String ? $String(m.highestCounter) : m.highestCounter;
                    else
                        d.highestCounter = o.longs === $String ? $util.Long.prototype.toString.call(m.highestCounter) : o.longs === $Number ? new $util.LongBits(m.highestCounter.low >>> 0, m.highestCounter.high >>> 0).toNumber(true) : m.highestCounter;
                }
                return d;
            };

            /**
             * Converts this Inventory to JSON.
             * @function toJSON
             * @memberof verge.v1.Inventory
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Inventory.prototype.toJSON = function() {
                return Inventory.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Inventory
             * @function getTypeUrl
             * @memberof verge.v1.Inventory
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Inventory.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/verge.v1.Inventory";
            };

            return Inventory;
        })();

        return v1;
    })();

    return verge;
})();

export {
  $root as default
};
