import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace verge. */
export namespace verge {

    /** Namespace v1. */
    namespace v1 {

        /**
         * Properties of a Signature.
         * @deprecated Use verge.v1.Signature.$Properties instead.
         */
        interface ISignature extends verge.v1.Signature.$Properties {
        }

        /** Represents a Signature. */
        class Signature {

            /**
             * Constructs a new Signature.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.Signature.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Signature keyId. */
            keyId: string;

            /** Signature sig. */
            sig: Uint8Array;

            /**
             * Creates a new Signature instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Signature instance
             */
            static create(properties: verge.v1.Signature.$Shape): verge.v1.Signature & verge.v1.Signature.$Shape;
            static create(properties?: verge.v1.Signature.$Properties): verge.v1.Signature;

            /**
             * Encodes the specified Signature message. Does not implicitly {@link verge.v1.Signature.verify|verify} messages.
             * @param m Signature message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.Signature.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Signature message, length delimited. Does not implicitly {@link verge.v1.Signature.verify|verify} messages.
             * @param message Signature message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.Signature.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Signature message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.Signature & verge.v1.Signature.$Shape} Signature
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.Signature & verge.v1.Signature.$Shape;

            /**
             * Decodes a Signature message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.Signature & verge.v1.Signature.$Shape} Signature
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.Signature & verge.v1.Signature.$Shape;

            /**
             * Verifies a Signature message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a Signature message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Signature
             */
            static fromObject(d: { [k: string]: any }): verge.v1.Signature;

            /**
             * Creates a plain object from a Signature message. Also converts values to other types if specified.
             * @param m Signature
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.Signature, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Signature to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Signature
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Signature {

            /** Properties of a Signature. */
            interface $Properties {

                /** Signature keyId */
                keyId?: (string|null);

                /** Signature sig */
                sig?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Signature. */
            type $Shape = verge.v1.Signature.$Properties;
        }

        /**
         * Properties of a SignedEnvelope.
         * @deprecated Use verge.v1.SignedEnvelope.$Properties instead.
         */
        interface ISignedEnvelope extends verge.v1.SignedEnvelope.$Properties {
        }

        /** Represents a SignedEnvelope. */
        class SignedEnvelope {

            /**
             * Constructs a new SignedEnvelope.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.SignedEnvelope.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SignedEnvelope payloadType. */
            payloadType: string;

            /** SignedEnvelope payload. */
            payload: Uint8Array;

            /** SignedEnvelope signatures. */
            signatures: verge.v1.Signature.$Properties[];

            /**
             * Creates a new SignedEnvelope instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SignedEnvelope instance
             */
            static create(properties: verge.v1.SignedEnvelope.$Shape): verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape;
            static create(properties?: verge.v1.SignedEnvelope.$Properties): verge.v1.SignedEnvelope;

            /**
             * Encodes the specified SignedEnvelope message. Does not implicitly {@link verge.v1.SignedEnvelope.verify|verify} messages.
             * @param m SignedEnvelope message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.SignedEnvelope.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified SignedEnvelope message, length delimited. Does not implicitly {@link verge.v1.SignedEnvelope.verify|verify} messages.
             * @param message SignedEnvelope message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.SignedEnvelope.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SignedEnvelope message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape} SignedEnvelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape;

            /**
             * Decodes a SignedEnvelope message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape} SignedEnvelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.SignedEnvelope & verge.v1.SignedEnvelope.$Shape;

            /**
             * Verifies a SignedEnvelope message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a SignedEnvelope message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns SignedEnvelope
             */
            static fromObject(d: { [k: string]: any }): verge.v1.SignedEnvelope;

            /**
             * Creates a plain object from a SignedEnvelope message. Also converts values to other types if specified.
             * @param m SignedEnvelope
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.SignedEnvelope, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SignedEnvelope to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for SignedEnvelope
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SignedEnvelope {

            /** Properties of a SignedEnvelope. */
            interface $Properties {

                /** SignedEnvelope payloadType */
                payloadType?: (string|null);

                /** SignedEnvelope payload */
                payload?: (Uint8Array|null);

                /** SignedEnvelope signatures */
                signatures?: (verge.v1.Signature.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SignedEnvelope. */
            type $Shape = verge.v1.SignedEnvelope.$Properties;
        }

        /**
         * Properties of a Component.
         * @deprecated Use verge.v1.Component.$Properties instead.
         */
        interface IComponent extends verge.v1.Component.$Properties {
        }

        /** Represents a Component. */
        class Component {

            /**
             * Constructs a new Component.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.Component.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Component name. */
            name: string;

            /** Component version. */
            version: string;

            /** Component size. */
            size: number;

            /** Component sha256. */
            sha256: string;

            /** Component urls. */
            urls: string[];

            /**
             * Creates a new Component instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Component instance
             */
            static create(properties: verge.v1.Component.$Shape): verge.v1.Component & verge.v1.Component.$Shape;
            static create(properties?: verge.v1.Component.$Properties): verge.v1.Component;

            /**
             * Encodes the specified Component message. Does not implicitly {@link verge.v1.Component.verify|verify} messages.
             * @param m Component message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.Component.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Component message, length delimited. Does not implicitly {@link verge.v1.Component.verify|verify} messages.
             * @param message Component message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.Component.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Component message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.Component & verge.v1.Component.$Shape} Component
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.Component & verge.v1.Component.$Shape;

            /**
             * Decodes a Component message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.Component & verge.v1.Component.$Shape} Component
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.Component & verge.v1.Component.$Shape;

            /**
             * Verifies a Component message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a Component message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Component
             */
            static fromObject(d: { [k: string]: any }): verge.v1.Component;

            /**
             * Creates a plain object from a Component message. Also converts values to other types if specified.
             * @param m Component
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.Component, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Component to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Component
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Component {

            /** Properties of a Component. */
            interface $Properties {

                /** Component name */
                name?: (string|null);

                /** Component version */
                version?: (string|null);

                /** Component size */
                size?: (number|null);

                /** Component sha256 */
                sha256?: (string|null);

                /** Component urls */
                urls?: (string[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Component. */
            type $Shape = verge.v1.Component.$Properties;
        }

        /**
         * Properties of a ReleaseManifest.
         * @deprecated Use verge.v1.ReleaseManifest.$Properties instead.
         */
        interface IReleaseManifest extends verge.v1.ReleaseManifest.$Properties {
        }

        /** Represents a ReleaseManifest. */
        class ReleaseManifest {

            /**
             * Constructs a new ReleaseManifest.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.ReleaseManifest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ReleaseManifest releaseId. */
            releaseId: string;

            /** ReleaseManifest counter. */
            counter: number;

            /** ReleaseManifest version. */
            version: string;

            /** ReleaseManifest components. */
            components: verge.v1.Component.$Properties[];

            /** ReleaseManifest compatibleVariants. */
            compatibleVariants: string[];

            /** ReleaseManifest minBaseImage. */
            minBaseImage: string;

            /** ReleaseManifest createdAt. */
            createdAt: number;

            /** ReleaseManifest expiresAt. */
            expiresAt: number;

            /** ReleaseManifest notes. */
            notes: string;

            /**
             * Creates a new ReleaseManifest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ReleaseManifest instance
             */
            static create(properties: verge.v1.ReleaseManifest.$Shape): verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape;
            static create(properties?: verge.v1.ReleaseManifest.$Properties): verge.v1.ReleaseManifest;

            /**
             * Encodes the specified ReleaseManifest message. Does not implicitly {@link verge.v1.ReleaseManifest.verify|verify} messages.
             * @param m ReleaseManifest message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.ReleaseManifest.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified ReleaseManifest message, length delimited. Does not implicitly {@link verge.v1.ReleaseManifest.verify|verify} messages.
             * @param message ReleaseManifest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.ReleaseManifest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ReleaseManifest message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape} ReleaseManifest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape;

            /**
             * Decodes a ReleaseManifest message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape} ReleaseManifest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.ReleaseManifest & verge.v1.ReleaseManifest.$Shape;

            /**
             * Verifies a ReleaseManifest message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a ReleaseManifest message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns ReleaseManifest
             */
            static fromObject(d: { [k: string]: any }): verge.v1.ReleaseManifest;

            /**
             * Creates a plain object from a ReleaseManifest message. Also converts values to other types if specified.
             * @param m ReleaseManifest
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.ReleaseManifest, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ReleaseManifest to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for ReleaseManifest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ReleaseManifest {

            /** Properties of a ReleaseManifest. */
            interface $Properties {

                /** ReleaseManifest releaseId */
                releaseId?: (string|null);

                /** ReleaseManifest counter */
                counter?: (number|null);

                /** ReleaseManifest version */
                version?: (string|null);

                /** ReleaseManifest components */
                components?: (verge.v1.Component.$Properties[]|null);

                /** ReleaseManifest compatibleVariants */
                compatibleVariants?: (string[]|null);

                /** ReleaseManifest minBaseImage */
                minBaseImage?: (string|null);

                /** ReleaseManifest createdAt */
                createdAt?: (number|null);

                /** ReleaseManifest expiresAt */
                expiresAt?: (number|null);

                /** ReleaseManifest notes */
                notes?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ReleaseManifest. */
            type $Shape = verge.v1.ReleaseManifest.$Properties;
        }

        /**
         * Properties of a MaintenanceWindow.
         * @deprecated Use verge.v1.MaintenanceWindow.$Properties instead.
         */
        interface IMaintenanceWindow extends verge.v1.MaintenanceWindow.$Properties {
        }

        /** Represents a MaintenanceWindow. */
        class MaintenanceWindow {

            /**
             * Constructs a new MaintenanceWindow.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.MaintenanceWindow.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MaintenanceWindow cron. */
            cron: string;

            /** MaintenanceWindow durationS. */
            durationS: number;

            /** MaintenanceWindow timezone. */
            timezone: string;

            /**
             * Creates a new MaintenanceWindow instance using the specified properties.
             * @param [properties] Properties to set
             * @returns MaintenanceWindow instance
             */
            static create(properties: verge.v1.MaintenanceWindow.$Shape): verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape;
            static create(properties?: verge.v1.MaintenanceWindow.$Properties): verge.v1.MaintenanceWindow;

            /**
             * Encodes the specified MaintenanceWindow message. Does not implicitly {@link verge.v1.MaintenanceWindow.verify|verify} messages.
             * @param m MaintenanceWindow message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.MaintenanceWindow.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified MaintenanceWindow message, length delimited. Does not implicitly {@link verge.v1.MaintenanceWindow.verify|verify} messages.
             * @param message MaintenanceWindow message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.MaintenanceWindow.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a MaintenanceWindow message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape} MaintenanceWindow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape;

            /**
             * Decodes a MaintenanceWindow message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape} MaintenanceWindow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.MaintenanceWindow & verge.v1.MaintenanceWindow.$Shape;

            /**
             * Verifies a MaintenanceWindow message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a MaintenanceWindow message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns MaintenanceWindow
             */
            static fromObject(d: { [k: string]: any }): verge.v1.MaintenanceWindow;

            /**
             * Creates a plain object from a MaintenanceWindow message. Also converts values to other types if specified.
             * @param m MaintenanceWindow
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.MaintenanceWindow, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this MaintenanceWindow to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for MaintenanceWindow
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace MaintenanceWindow {

            /** Properties of a MaintenanceWindow. */
            interface $Properties {

                /** MaintenanceWindow cron */
                cron?: (string|null);

                /** MaintenanceWindow durationS */
                durationS?: (number|null);

                /** MaintenanceWindow timezone */
                timezone?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MaintenanceWindow. */
            type $Shape = verge.v1.MaintenanceWindow.$Properties;
        }

        /** DesiredAction enum. */
        enum DesiredAction {

            /** DESIRED_ACTION_UNSPECIFIED value */
            DESIRED_ACTION_UNSPECIFIED = 0,

            /** DESIRED_ACTION_INSTALL value */
            DESIRED_ACTION_INSTALL = 1,

            /** DESIRED_ACTION_ROLLBACK value */
            DESIRED_ACTION_ROLLBACK = 2,

            /** DESIRED_ACTION_NONE value */
            DESIRED_ACTION_NONE = 3
        }

        /**
         * Properties of a DesiredState.
         * @deprecated Use verge.v1.DesiredState.$Properties instead.
         */
        interface IDesiredState extends verge.v1.DesiredState.$Properties {
        }

        /** Represents a DesiredState. */
        class DesiredState {

            /**
             * Constructs a new DesiredState.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.DesiredState.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** DesiredState deviceId. */
            deviceId: string;

            /** DesiredState seq. */
            seq: number;

            /** DesiredState issuedAt. */
            issuedAt: number;

            /** DesiredState expiresAt. */
            expiresAt: number;

            /** DesiredState action. */
            action: verge.v1.DesiredAction;

            /** DesiredState releaseId. */
            releaseId: string;

            /** DesiredState rolloutId. */
            rolloutId: string;

            /** DesiredState stage. */
            stage: string;

            /** DesiredState activate. */
            activate: boolean;

            /** DesiredState maintenanceWindow. */
            maintenanceWindow?: (verge.v1.MaintenanceWindow.$Properties|null);

            /**
             * Creates a new DesiredState instance using the specified properties.
             * @param [properties] Properties to set
             * @returns DesiredState instance
             */
            static create(properties: verge.v1.DesiredState.$Shape): verge.v1.DesiredState & verge.v1.DesiredState.$Shape;
            static create(properties?: verge.v1.DesiredState.$Properties): verge.v1.DesiredState;

            /**
             * Encodes the specified DesiredState message. Does not implicitly {@link verge.v1.DesiredState.verify|verify} messages.
             * @param m DesiredState message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.DesiredState.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified DesiredState message, length delimited. Does not implicitly {@link verge.v1.DesiredState.verify|verify} messages.
             * @param message DesiredState message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.DesiredState.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a DesiredState message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.DesiredState & verge.v1.DesiredState.$Shape} DesiredState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.DesiredState & verge.v1.DesiredState.$Shape;

            /**
             * Decodes a DesiredState message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.DesiredState & verge.v1.DesiredState.$Shape} DesiredState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.DesiredState & verge.v1.DesiredState.$Shape;

            /**
             * Verifies a DesiredState message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a DesiredState message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns DesiredState
             */
            static fromObject(d: { [k: string]: any }): verge.v1.DesiredState;

            /**
             * Creates a plain object from a DesiredState message. Also converts values to other types if specified.
             * @param m DesiredState
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.DesiredState, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this DesiredState to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for DesiredState
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace DesiredState {

            /** Properties of a DesiredState. */
            interface $Properties {

                /** DesiredState deviceId */
                deviceId?: (string|null);

                /** DesiredState seq */
                seq?: (number|null);

                /** DesiredState issuedAt */
                issuedAt?: (number|null);

                /** DesiredState expiresAt */
                expiresAt?: (number|null);

                /** DesiredState action */
                action?: (verge.v1.DesiredAction|null);

                /** DesiredState releaseId */
                releaseId?: (string|null);

                /** DesiredState rolloutId */
                rolloutId?: (string|null);

                /** DesiredState stage */
                stage?: (string|null);

                /** DesiredState activate */
                activate?: (boolean|null);

                /** DesiredState maintenanceWindow */
                maintenanceWindow?: (verge.v1.MaintenanceWindow.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a DesiredState. */
            type $Shape = verge.v1.DesiredState.$Properties;
        }

        /** CommandType enum. */
        enum CommandType {

            /** COMMAND_TYPE_UNSPECIFIED value */
            COMMAND_TYPE_UNSPECIFIED = 0,

            /** COMMAND_TYPE_ROLLBACK value */
            COMMAND_TYPE_ROLLBACK = 1,

            /** COMMAND_TYPE_COLLECT_DIAGNOSTICS value */
            COMMAND_TYPE_COLLECT_DIAGNOSTICS = 2,

            /** COMMAND_TYPE_REPORT_INVENTORY value */
            COMMAND_TYPE_REPORT_INVENTORY = 3,

            /** COMMAND_TYPE_CANCEL value */
            COMMAND_TYPE_CANCEL = 4
        }

        /**
         * Properties of a Command.
         * @deprecated Use verge.v1.Command.$Properties instead.
         */
        interface ICommand extends verge.v1.Command.$Properties {
        }

        /** Represents a Command. */
        class Command {

            /**
             * Constructs a new Command.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.Command.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Command deviceId. */
            deviceId: string;

            /** Command seq. */
            seq: number;

            /** Command issuedAt. */
            issuedAt: number;

            /** Command expiresAt. */
            expiresAt: number;

            /** Command commandId. */
            commandId: string;

            /** Command type. */
            type: verge.v1.CommandType;

            /** Command rolloutId. */
            rolloutId: string;

            /** Command releaseId. */
            releaseId: string;

            /** Command args. */
            args: { [k: string]: string };

            /**
             * Creates a new Command instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Command instance
             */
            static create(properties: verge.v1.Command.$Shape): verge.v1.Command & verge.v1.Command.$Shape;
            static create(properties?: verge.v1.Command.$Properties): verge.v1.Command;

            /**
             * Encodes the specified Command message. Does not implicitly {@link verge.v1.Command.verify|verify} messages.
             * @param m Command message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.Command.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Command message, length delimited. Does not implicitly {@link verge.v1.Command.verify|verify} messages.
             * @param message Command message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.Command.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Command message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.Command & verge.v1.Command.$Shape} Command
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.Command & verge.v1.Command.$Shape;

            /**
             * Decodes a Command message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.Command & verge.v1.Command.$Shape} Command
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.Command & verge.v1.Command.$Shape;

            /**
             * Verifies a Command message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a Command message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Command
             */
            static fromObject(d: { [k: string]: any }): verge.v1.Command;

            /**
             * Creates a plain object from a Command message. Also converts values to other types if specified.
             * @param m Command
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.Command, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Command to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Command
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Command {

            /** Properties of a Command. */
            interface $Properties {

                /** Command deviceId */
                deviceId?: (string|null);

                /** Command seq */
                seq?: (number|null);

                /** Command issuedAt */
                issuedAt?: (number|null);

                /** Command expiresAt */
                expiresAt?: (number|null);

                /** Command commandId */
                commandId?: (string|null);

                /** Command type */
                type?: (verge.v1.CommandType|null);

                /** Command rolloutId */
                rolloutId?: (string|null);

                /** Command releaseId */
                releaseId?: (string|null);

                /** Command args */
                args?: ({ [k: string]: string }|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Command. */
            type $Shape = verge.v1.Command.$Properties;
        }

        /** DeploymentState enum. */
        enum DeploymentState {

            /** DEPLOYMENT_STATE_UNSPECIFIED value */
            DEPLOYMENT_STATE_UNSPECIFIED = 0,

            /** DEPLOYMENT_STATE_PENDING value */
            DEPLOYMENT_STATE_PENDING = 1,

            /** DEPLOYMENT_STATE_DOWNLOADING value */
            DEPLOYMENT_STATE_DOWNLOADING = 2,

            /** DEPLOYMENT_STATE_VERIFIED value */
            DEPLOYMENT_STATE_VERIFIED = 3,

            /** DEPLOYMENT_STATE_ACTIVATED value */
            DEPLOYMENT_STATE_ACTIVATED = 4,

            /** DEPLOYMENT_STATE_FAILED value */
            DEPLOYMENT_STATE_FAILED = 5,

            /** DEPLOYMENT_STATE_CANCELLED value */
            DEPLOYMENT_STATE_CANCELLED = 6,

            /** DEPLOYMENT_STATE_ROLLING_BACK value */
            DEPLOYMENT_STATE_ROLLING_BACK = 7,

            /** DEPLOYMENT_STATE_ROLLED_BACK value */
            DEPLOYMENT_STATE_ROLLED_BACK = 8
        }

        /**
         * Properties of a StateTransition.
         * @deprecated Use verge.v1.StateTransition.$Properties instead.
         */
        interface IStateTransition extends verge.v1.StateTransition.$Properties {
        }

        /** Represents a StateTransition. */
        class StateTransition {

            /**
             * Constructs a new StateTransition.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.StateTransition.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateTransition deviceId. */
            deviceId: string;

            /** StateTransition seq. */
            seq: number;

            /** StateTransition eventTime. */
            eventTime: number;

            /** StateTransition rolloutId. */
            rolloutId: string;

            /** StateTransition releaseId. */
            releaseId: string;

            /** StateTransition fromState. */
            fromState: verge.v1.DeploymentState;

            /** StateTransition state. */
            state: verge.v1.DeploymentState;

            /** StateTransition reason. */
            reason: string;

            /** StateTransition detail. */
            detail: string;

            /** StateTransition bytesDone. */
            bytesDone: number;

            /** StateTransition bytesTotal. */
            bytesTotal: number;

            /** StateTransition desiredSeq. */
            desiredSeq: number;

            /**
             * Creates a new StateTransition instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StateTransition instance
             */
            static create(properties: verge.v1.StateTransition.$Shape): verge.v1.StateTransition & verge.v1.StateTransition.$Shape;
            static create(properties?: verge.v1.StateTransition.$Properties): verge.v1.StateTransition;

            /**
             * Encodes the specified StateTransition message. Does not implicitly {@link verge.v1.StateTransition.verify|verify} messages.
             * @param m StateTransition message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.StateTransition.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified StateTransition message, length delimited. Does not implicitly {@link verge.v1.StateTransition.verify|verify} messages.
             * @param message StateTransition message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.StateTransition.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateTransition message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.StateTransition & verge.v1.StateTransition.$Shape} StateTransition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.StateTransition & verge.v1.StateTransition.$Shape;

            /**
             * Decodes a StateTransition message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.StateTransition & verge.v1.StateTransition.$Shape} StateTransition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.StateTransition & verge.v1.StateTransition.$Shape;

            /**
             * Verifies a StateTransition message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a StateTransition message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns StateTransition
             */
            static fromObject(d: { [k: string]: any }): verge.v1.StateTransition;

            /**
             * Creates a plain object from a StateTransition message. Also converts values to other types if specified.
             * @param m StateTransition
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.StateTransition, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this StateTransition to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for StateTransition
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace StateTransition {

            /** Properties of a StateTransition. */
            interface $Properties {

                /** StateTransition deviceId */
                deviceId?: (string|null);

                /** StateTransition seq */
                seq?: (number|null);

                /** StateTransition eventTime */
                eventTime?: (number|null);

                /** StateTransition rolloutId */
                rolloutId?: (string|null);

                /** StateTransition releaseId */
                releaseId?: (string|null);

                /** StateTransition fromState */
                fromState?: (verge.v1.DeploymentState|null);

                /** StateTransition state */
                state?: (verge.v1.DeploymentState|null);

                /** StateTransition reason */
                reason?: (string|null);

                /** StateTransition detail */
                detail?: (string|null);

                /** StateTransition bytesDone */
                bytesDone?: (number|null);

                /** StateTransition bytesTotal */
                bytesTotal?: (number|null);

                /** StateTransition desiredSeq */
                desiredSeq?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateTransition. */
            type $Shape = verge.v1.StateTransition.$Properties;
        }

        /**
         * Properties of a Heartbeat.
         * @deprecated Use verge.v1.Heartbeat.$Properties instead.
         */
        interface IHeartbeat extends verge.v1.Heartbeat.$Properties {
        }

        /** Represents a Heartbeat. */
        class Heartbeat {

            /**
             * Constructs a new Heartbeat.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.Heartbeat.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Heartbeat deviceId. */
            deviceId: string;

            /** Heartbeat seq. */
            seq: number;

            /** Heartbeat eventTime. */
            eventTime: number;

            /** Heartbeat uptimeS. */
            uptimeS: number;

            /** Heartbeat currentReleaseId. */
            currentReleaseId: string;

            /** Heartbeat deploymentState. */
            deploymentState: verge.v1.DeploymentState;

            /** Heartbeat agentVersion. */
            agentVersion: string;

            /** Heartbeat rejected. */
            rejected: { [k: string]: number };

            /** Heartbeat outboxDepth. */
            outboxDepth: number;

            /** Heartbeat outboxBytes. */
            outboxBytes: number;

            /** Heartbeat outboxDropped. */
            outboxDropped: { [k: string]: number };

            /** Heartbeat outboxMerged. */
            outboxMerged: number;

            /**
             * Creates a new Heartbeat instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Heartbeat instance
             */
            static create(properties: verge.v1.Heartbeat.$Shape): verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape;
            static create(properties?: verge.v1.Heartbeat.$Properties): verge.v1.Heartbeat;

            /**
             * Encodes the specified Heartbeat message. Does not implicitly {@link verge.v1.Heartbeat.verify|verify} messages.
             * @param m Heartbeat message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.Heartbeat.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Heartbeat message, length delimited. Does not implicitly {@link verge.v1.Heartbeat.verify|verify} messages.
             * @param message Heartbeat message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.Heartbeat.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Heartbeat message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape;

            /**
             * Decodes a Heartbeat message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.Heartbeat & verge.v1.Heartbeat.$Shape;

            /**
             * Verifies a Heartbeat message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a Heartbeat message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Heartbeat
             */
            static fromObject(d: { [k: string]: any }): verge.v1.Heartbeat;

            /**
             * Creates a plain object from a Heartbeat message. Also converts values to other types if specified.
             * @param m Heartbeat
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.Heartbeat, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Heartbeat to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Heartbeat
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Heartbeat {

            /** Properties of a Heartbeat. */
            interface $Properties {

                /** Heartbeat deviceId */
                deviceId?: (string|null);

                /** Heartbeat seq */
                seq?: (number|null);

                /** Heartbeat eventTime */
                eventTime?: (number|null);

                /** Heartbeat uptimeS */
                uptimeS?: (number|null);

                /** Heartbeat currentReleaseId */
                currentReleaseId?: (string|null);

                /** Heartbeat deploymentState */
                deploymentState?: (verge.v1.DeploymentState|null);

                /** Heartbeat agentVersion */
                agentVersion?: (string|null);

                /** Heartbeat rejected */
                rejected?: ({ [k: string]: number }|null);

                /** Heartbeat outboxDepth */
                outboxDepth?: (number|null);

                /** Heartbeat outboxBytes */
                outboxBytes?: (number|null);

                /** Heartbeat outboxDropped */
                outboxDropped?: ({ [k: string]: number }|null);

                /** Heartbeat outboxMerged */
                outboxMerged?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Heartbeat. */
            type $Shape = verge.v1.Heartbeat.$Properties;
        }

        /**
         * Properties of a KpiReport.
         * @deprecated Use verge.v1.KpiReport.$Properties instead.
         */
        interface IKpiReport extends verge.v1.KpiReport.$Properties {
        }

        /** Represents a KpiReport. */
        class KpiReport {

            /**
             * Constructs a new KpiReport.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.KpiReport.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** KpiReport deviceId. */
            deviceId: string;

            /** KpiReport seq. */
            seq: number;

            /** KpiReport eventTime. */
            eventTime: number;

            /** KpiReport windowStart. */
            windowStart: number;

            /** KpiReport windowEnd. */
            windowEnd: number;

            /** KpiReport releaseId. */
            releaseId: string;

            /** KpiReport secondsUp. */
            secondsUp: number;

            /** KpiReport secondsDown. */
            secondsDown: number;

            /** KpiReport eventsProcessed. */
            eventsProcessed: number;

            /** KpiReport eventsDropped. */
            eventsDropped: number;

            /** KpiReport lagBucketBoundsMs. */
            lagBucketBoundsMs: number[];

            /** KpiReport lagBucketCounts. */
            lagBucketCounts: number[];

            /**
             * Creates a new KpiReport instance using the specified properties.
             * @param [properties] Properties to set
             * @returns KpiReport instance
             */
            static create(properties: verge.v1.KpiReport.$Shape): verge.v1.KpiReport & verge.v1.KpiReport.$Shape;
            static create(properties?: verge.v1.KpiReport.$Properties): verge.v1.KpiReport;

            /**
             * Encodes the specified KpiReport message. Does not implicitly {@link verge.v1.KpiReport.verify|verify} messages.
             * @param m KpiReport message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.KpiReport.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified KpiReport message, length delimited. Does not implicitly {@link verge.v1.KpiReport.verify|verify} messages.
             * @param message KpiReport message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.KpiReport.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a KpiReport message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.KpiReport & verge.v1.KpiReport.$Shape} KpiReport
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.KpiReport & verge.v1.KpiReport.$Shape;

            /**
             * Decodes a KpiReport message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.KpiReport & verge.v1.KpiReport.$Shape} KpiReport
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.KpiReport & verge.v1.KpiReport.$Shape;

            /**
             * Verifies a KpiReport message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a KpiReport message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns KpiReport
             */
            static fromObject(d: { [k: string]: any }): verge.v1.KpiReport;

            /**
             * Creates a plain object from a KpiReport message. Also converts values to other types if specified.
             * @param m KpiReport
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.KpiReport, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this KpiReport to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for KpiReport
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace KpiReport {

            /** Properties of a KpiReport. */
            interface $Properties {

                /** KpiReport deviceId */
                deviceId?: (string|null);

                /** KpiReport seq */
                seq?: (number|null);

                /** KpiReport eventTime */
                eventTime?: (number|null);

                /** KpiReport windowStart */
                windowStart?: (number|null);

                /** KpiReport windowEnd */
                windowEnd?: (number|null);

                /** KpiReport releaseId */
                releaseId?: (string|null);

                /** KpiReport secondsUp */
                secondsUp?: (number|null);

                /** KpiReport secondsDown */
                secondsDown?: (number|null);

                /** KpiReport eventsProcessed */
                eventsProcessed?: (number|null);

                /** KpiReport eventsDropped */
                eventsDropped?: (number|null);

                /** KpiReport lagBucketBoundsMs */
                lagBucketBoundsMs?: (number[]|null);

                /** KpiReport lagBucketCounts */
                lagBucketCounts?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a KpiReport. */
            type $Shape = verge.v1.KpiReport.$Properties;
        }

        /** AckStatus enum. */
        enum AckStatus {

            /** ACK_STATUS_UNSPECIFIED value */
            ACK_STATUS_UNSPECIFIED = 0,

            /** ACK_STATUS_ACCEPTED value */
            ACK_STATUS_ACCEPTED = 1,

            /** ACK_STATUS_DONE value */
            ACK_STATUS_DONE = 2,

            /** ACK_STATUS_REJECTED value */
            ACK_STATUS_REJECTED = 3,

            /** ACK_STATUS_FAILED value */
            ACK_STATUS_FAILED = 4
        }

        /**
         * Properties of a CommandAck.
         * @deprecated Use verge.v1.CommandAck.$Properties instead.
         */
        interface ICommandAck extends verge.v1.CommandAck.$Properties {
        }

        /** Represents a CommandAck. */
        class CommandAck {

            /**
             * Constructs a new CommandAck.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.CommandAck.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** CommandAck deviceId. */
            deviceId: string;

            /** CommandAck seq. */
            seq: number;

            /** CommandAck eventTime. */
            eventTime: number;

            /** CommandAck commandId. */
            commandId: string;

            /** CommandAck commandSeq. */
            commandSeq: number;

            /** CommandAck status. */
            status: verge.v1.AckStatus;

            /** CommandAck reason. */
            reason: string;

            /** CommandAck detail. */
            detail: string;

            /**
             * Creates a new CommandAck instance using the specified properties.
             * @param [properties] Properties to set
             * @returns CommandAck instance
             */
            static create(properties: verge.v1.CommandAck.$Shape): verge.v1.CommandAck & verge.v1.CommandAck.$Shape;
            static create(properties?: verge.v1.CommandAck.$Properties): verge.v1.CommandAck;

            /**
             * Encodes the specified CommandAck message. Does not implicitly {@link verge.v1.CommandAck.verify|verify} messages.
             * @param m CommandAck message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.CommandAck.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified CommandAck message, length delimited. Does not implicitly {@link verge.v1.CommandAck.verify|verify} messages.
             * @param message CommandAck message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.CommandAck.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a CommandAck message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.CommandAck & verge.v1.CommandAck.$Shape} CommandAck
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.CommandAck & verge.v1.CommandAck.$Shape;

            /**
             * Decodes a CommandAck message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.CommandAck & verge.v1.CommandAck.$Shape} CommandAck
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.CommandAck & verge.v1.CommandAck.$Shape;

            /**
             * Verifies a CommandAck message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a CommandAck message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns CommandAck
             */
            static fromObject(d: { [k: string]: any }): verge.v1.CommandAck;

            /**
             * Creates a plain object from a CommandAck message. Also converts values to other types if specified.
             * @param m CommandAck
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.CommandAck, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this CommandAck to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for CommandAck
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace CommandAck {

            /** Properties of a CommandAck. */
            interface $Properties {

                /** CommandAck deviceId */
                deviceId?: (string|null);

                /** CommandAck seq */
                seq?: (number|null);

                /** CommandAck eventTime */
                eventTime?: (number|null);

                /** CommandAck commandId */
                commandId?: (string|null);

                /** CommandAck commandSeq */
                commandSeq?: (number|null);

                /** CommandAck status */
                status?: (verge.v1.AckStatus|null);

                /** CommandAck reason */
                reason?: (string|null);

                /** CommandAck detail */
                detail?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a CommandAck. */
            type $Shape = verge.v1.CommandAck.$Properties;
        }

        /**
         * Properties of a ComponentVersion.
         * @deprecated Use verge.v1.ComponentVersion.$Properties instead.
         */
        interface IComponentVersion extends verge.v1.ComponentVersion.$Properties {
        }

        /** Represents a ComponentVersion. */
        class ComponentVersion {

            /**
             * Constructs a new ComponentVersion.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.ComponentVersion.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ComponentVersion name. */
            name: string;

            /** ComponentVersion version. */
            version: string;

            /**
             * Creates a new ComponentVersion instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ComponentVersion instance
             */
            static create(properties: verge.v1.ComponentVersion.$Shape): verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape;
            static create(properties?: verge.v1.ComponentVersion.$Properties): verge.v1.ComponentVersion;

            /**
             * Encodes the specified ComponentVersion message. Does not implicitly {@link verge.v1.ComponentVersion.verify|verify} messages.
             * @param m ComponentVersion message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.ComponentVersion.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified ComponentVersion message, length delimited. Does not implicitly {@link verge.v1.ComponentVersion.verify|verify} messages.
             * @param message ComponentVersion message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.ComponentVersion.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ComponentVersion message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape} ComponentVersion
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape;

            /**
             * Decodes a ComponentVersion message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape} ComponentVersion
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.ComponentVersion & verge.v1.ComponentVersion.$Shape;

            /**
             * Verifies a ComponentVersion message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a ComponentVersion message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns ComponentVersion
             */
            static fromObject(d: { [k: string]: any }): verge.v1.ComponentVersion;

            /**
             * Creates a plain object from a ComponentVersion message. Also converts values to other types if specified.
             * @param m ComponentVersion
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.ComponentVersion, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ComponentVersion to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for ComponentVersion
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ComponentVersion {

            /** Properties of a ComponentVersion. */
            interface $Properties {

                /** ComponentVersion name */
                name?: (string|null);

                /** ComponentVersion version */
                version?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ComponentVersion. */
            type $Shape = verge.v1.ComponentVersion.$Properties;
        }

        /**
         * Properties of a Slot.
         * @deprecated Use verge.v1.Slot.$Properties instead.
         */
        interface ISlot extends verge.v1.Slot.$Properties {
        }

        /** Represents a Slot. */
        class Slot {

            /**
             * Constructs a new Slot.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.Slot.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Slot name. */
            name: string;

            /** Slot releaseId. */
            releaseId: string;

            /** Slot version. */
            version: string;

            /** Slot active. */
            active: boolean;

            /**
             * Creates a new Slot instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Slot instance
             */
            static create(properties: verge.v1.Slot.$Shape): verge.v1.Slot & verge.v1.Slot.$Shape;
            static create(properties?: verge.v1.Slot.$Properties): verge.v1.Slot;

            /**
             * Encodes the specified Slot message. Does not implicitly {@link verge.v1.Slot.verify|verify} messages.
             * @param m Slot message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.Slot.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Slot message, length delimited. Does not implicitly {@link verge.v1.Slot.verify|verify} messages.
             * @param message Slot message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.Slot.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Slot message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.Slot & verge.v1.Slot.$Shape} Slot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.Slot & verge.v1.Slot.$Shape;

            /**
             * Decodes a Slot message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.Slot & verge.v1.Slot.$Shape} Slot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.Slot & verge.v1.Slot.$Shape;

            /**
             * Verifies a Slot message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates a Slot message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Slot
             */
            static fromObject(d: { [k: string]: any }): verge.v1.Slot;

            /**
             * Creates a plain object from a Slot message. Also converts values to other types if specified.
             * @param m Slot
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.Slot, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Slot to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Slot
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Slot {

            /** Properties of a Slot. */
            interface $Properties {

                /** Slot name */
                name?: (string|null);

                /** Slot releaseId */
                releaseId?: (string|null);

                /** Slot version */
                version?: (string|null);

                /** Slot active */
                active?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Slot. */
            type $Shape = verge.v1.Slot.$Properties;
        }

        /**
         * Properties of an Inventory.
         * @deprecated Use verge.v1.Inventory.$Properties instead.
         */
        interface IInventory extends verge.v1.Inventory.$Properties {
        }

        /** Represents an Inventory. */
        class Inventory {

            /**
             * Constructs a new Inventory.
             * @param [p] Properties to set
             */
            constructor(p?: verge.v1.Inventory.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Inventory deviceId. */
            deviceId: string;

            /** Inventory seq. */
            seq: number;

            /** Inventory eventTime. */
            eventTime: number;

            /** Inventory variant. */
            variant: string;

            /** Inventory components. */
            components: verge.v1.ComponentVersion.$Properties[];

            /** Inventory slots. */
            slots: verge.v1.Slot.$Properties[];

            /** Inventory agentVersion. */
            agentVersion: string;

            /** Inventory currentReleaseId. */
            currentReleaseId: string;

            /** Inventory previousReleaseId. */
            previousReleaseId: string;

            /** Inventory highestCounter. */
            highestCounter: number;

            /**
             * Creates a new Inventory instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Inventory instance
             */
            static create(properties: verge.v1.Inventory.$Shape): verge.v1.Inventory & verge.v1.Inventory.$Shape;
            static create(properties?: verge.v1.Inventory.$Properties): verge.v1.Inventory;

            /**
             * Encodes the specified Inventory message. Does not implicitly {@link verge.v1.Inventory.verify|verify} messages.
             * @param m Inventory message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            static encode(m: verge.v1.Inventory.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Inventory message, length delimited. Does not implicitly {@link verge.v1.Inventory.verify|verify} messages.
             * @param message Inventory message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: verge.v1.Inventory.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Inventory message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns {verge.v1.Inventory & verge.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(r: ($protobuf.Reader|Uint8Array), l?: number): verge.v1.Inventory & verge.v1.Inventory.$Shape;

            /**
             * Decodes an Inventory message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {verge.v1.Inventory & verge.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): verge.v1.Inventory & verge.v1.Inventory.$Shape;

            /**
             * Verifies an Inventory message.
             * @param m Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(m: { [k: string]: any }): (string|null);

            /**
             * Creates an Inventory message from a plain object. Also converts values to their respective internal types.
             * @param d Plain object
             * @returns Inventory
             */
            static fromObject(d: { [k: string]: any }): verge.v1.Inventory;

            /**
             * Creates a plain object from an Inventory message. Also converts values to other types if specified.
             * @param m Inventory
             * @param [o] Conversion options
             * @returns Plain object
             */
            static toObject(m: verge.v1.Inventory, o?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Inventory to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Inventory
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Inventory {

            /** Properties of an Inventory. */
            interface $Properties {

                /** Inventory deviceId */
                deviceId?: (string|null);

                /** Inventory seq */
                seq?: (number|null);

                /** Inventory eventTime */
                eventTime?: (number|null);

                /** Inventory variant */
                variant?: (string|null);

                /** Inventory components */
                components?: (verge.v1.ComponentVersion.$Properties[]|null);

                /** Inventory slots */
                slots?: (verge.v1.Slot.$Properties[]|null);

                /** Inventory agentVersion */
                agentVersion?: (string|null);

                /** Inventory currentReleaseId */
                currentReleaseId?: (string|null);

                /** Inventory previousReleaseId */
                previousReleaseId?: (string|null);

                /** Inventory highestCounter */
                highestCounter?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Inventory. */
            type $Shape = verge.v1.Inventory.$Properties;
        }
    }
}
