<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

use Bigperson\ModulposApiClient\Exceptions\ValidationException;

/**
 * One native client (MkClient*): its HTTP agent, credentials and settings. Freed with
 * mk_client_free when the object is destroyed. Safe to share between calls; never serialized.
 *
 * @internal
 */
final class ClientHandle
{
    /** @var \FFI\CData|null MkClient* */
    private $pointer;

    /** @var GuzzleTransport|null kept alive while the library may call it */
    private $transport;

    /** @var AuditLog|null the PSR-3 logger's buffer, while one is set */
    private $audit;

    /**
     * @param array<string, mixed> $config the library's config keys (login, password, test_mode, ...)
     */
    public function __construct(
        #[\SensitiveParameter]
        array $config
    ) {
        $ffi = Library::ffi();
        $out = $ffi->new('MkClient*');
        $result = $ffi->mk_client_new(Json::encode((object) $config), \FFI::addr($out));
        try {
            Library::consume($result, 'mk_client_new');
        } catch (\Throwable $e) {
            if (!\FFI::isNull($out)) {
                $ffi->mk_client_free($out);
            }
            throw $e;
        }
        $this->pointer = $out;
    }

    /**
     * Sends every request of this handle through the shop's Guzzle client.
     */
    public function useGuzzle(\GuzzleHttp\ClientInterface $guzzle): void
    {
        $transport = new GuzzleTransport($guzzle);
        Library::call('mk_client_set_transport', $this->pointer, $transport, null);
        $this->transport = $transport;
    }

    public function __destruct()
    {
        if ($this->pointer !== null) {
            Library::ffi()->mk_client_free($this->pointer);
            $this->pointer = null;
        }
    }

    public function __clone()
    {
        throw new \LogicException('a native client handle cannot be cloned');
    }

    public function __sleep()
    {
        throw new \LogicException('a native client handle cannot be serialized');
    }

    /**
     * @param array<string, mixed> $request
     *
     * @return mixed
     */
    public function associate(
        #[\SensitiveParameter]
        array $request
    ) {
        return $this->call('mk_associate', Json::encode($request));
    }

    /** @return mixed */
    public function deleteAssociation()
    {
        return $this->call('mk_delete_association');
    }

    /** @return mixed */
    public function serviceStatus()
    {
        return $this->call('mk_service_status');
    }

    /**
     * @param array<string, mixed> $document
     *
     * @return mixed
     */
    public function sendCheck(array $document)
    {
        $result = $this->call('mk_send_check', Json::encode($document));
        if ($this->audit !== null && is_array($result)) {
            // Validation warnings (rules the service is not known to enforce) reach the logger too.
            $this->audit->warnings($result['warnings'] ?? null, $result['document_id'] ?? null);
        }

        return $result;
    }

    /**
     * @param mixed $documentId
     *
     * @return mixed
     */
    public function status($documentId)
    {
        return $this->call('mk_status', self::documentId($documentId));
    }

    /**
     * @param mixed $documentId
     *
     * @return mixed
     */
    public function requeue($documentId)
    {
        return $this->call('mk_requeue', self::documentId($documentId));
    }

    /**
     * Sets (or with null removes) the PSR-3 logger that receives this handle's audit trail.
     *
     * @param object|null $logger a Psr\Log\LoggerInterface
     */
    public function setLogger($logger): void
    {
        $audit = $logger === null ? null : new AuditLog($logger);
        Library::call('mk_client_set_log_callback', $this->pointer, $audit === null ? null : $audit->callback(), null);
        // Replaced only now: the library no longer calls the previous callback.
        $this->audit = $audit;
    }

    /**
     * Checks an incoming callback: mk_callback_verify.
     *
     * @param array{secret: string, request: string} $request
     *
     * @return mixed
     */
    public function verifyCallback(
        #[\SensitiveParameter]
        array $request
    ) {
        return $this->call('mk_callback_verify', Json::encode($request));
    }

    /**
     * One library call on this handle; the audit lines it produced go to the logger afterwards.
     *
     * @param mixed ...$arguments
     *
     * @return mixed
     */
    private function call(
        string $function,
        #[\SensitiveParameter]
        ...$arguments
    ) {
        try {
            return Library::call($function, $this->pointer, ...$arguments);
        } finally {
            if ($this->audit !== null) {
                $this->audit->flush();
            }
        }
    }

    /**
     * @param mixed $documentId
     */
    private static function documentId($documentId): string
    {
        if (is_int($documentId) || (is_string($documentId) && strpos($documentId, "\0") === false)) {
            return (string) $documentId;
        }
        throw new ValidationException(
            'the document id must be a string without NUL bytes (or an integer)',
            'invalid_argument',
            null,
            null,
            false,
            'documentId'
        );
    }
}
