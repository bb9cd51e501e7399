<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient;

use Bigperson\ModulposApiClient\Contracts\ClientInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposCashierInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderInterface;
use Bigperson\ModulposApiClient\Internal\ClientHandle;
use Bigperson\ModulposApiClient\Internal\DocumentBuilder;

/**
 * The API client, with the credentials returned by Associate::init().
 *
 * One native client (an HTTP agent with keep-alive) is created on the first call and freed with
 * this object. Every method returns the service's decoded JSON answer as an array and throws a
 * ModulposException subclass on failure (ApiException, TransportException, ValidationException);
 * the original validation exceptions stay as they were.
 */
class Client implements ClientInterface
{
    /** The original package's path of the service status (kept for code that reads it). */
    const STATUS_URI = '/v1/status';

    /**
     * The original package's path for sending a document (kept for code that reads it; the
     * library sends to '/v2/doc', the documented path, which takes the same body).
     */
    const SEND_CHECK_DATA_URI = '/v1/doc';

    /** @var string */
    private $login;

    /** @var string */
    private $password;

    /** @var bool */
    private $testMode;

    /** @var array<string, mixed> */
    private $options;

    /** @var \GuzzleHttp\ClientInterface|null */
    private $client;

    /** @var ClientHandle|null */
    private $handle;

    /** @var array|null */
    private $lastDelivery;

    /** @var array<int, array{field: string, rule: string, reason: string}> */
    private $lastWarnings = [];

    /** @var object|null a Psr\Log\LoggerInterface (psr/log is optional) */
    private $logger;

    /**
     * @param string                           $login    userName returned by Associate::init()
     * @param string                           $password password returned by Associate::init()
     * @param bool                             $testMode use the test service
     * @param \GuzzleHttp\ClientInterface|null $client   when given, every request goes through it
     *                                                   (proxy, CA bundle, middleware, MockHandler);
     *                                                   the native agent otherwise
     * @param array<string, mixed>             $options  library settings: base_url, connect_timeout_ms,
     *                                                   timeout_ms, max_attempts, retry_backoff_ms,
     *                                                   allow_insecure_http, allow_unknown_values,
     *                                                   strict (validation warnings become errors)
     */
    public function __construct(
        string $login,
        #[\SensitiveParameter]
        string $password,
        bool $testMode = false,
        ?\GuzzleHttp\ClientInterface $client = null,
        array $options = []
    ) {
        $this->login = $login;
        $this->password = $password;
        $this->testMode = $testMode;
        $this->options = $options;
        $this->client = $client;
    }

    /**
     * Fiscal-service status: GET {base}/v1/status.
     *
     * @return array ['status' => 'READY'|'ASSOCIATED'|'DISABLED'|'FAILED', 'dateTime' => '2019-09-17T03:31:56+00:00', ...]
     */
    public function getStatusFiscalService()
    {
        return $this->handle()->serviceStatus();
    }

    /**
     * Validates the order and sends it: POST {base}/v2/doc. A lost answer or a 5xx is retried with
     * the same documentUuid (max_attempts), so the service never makes a second receipt.
     *
     * @param ModulposOrderInterface        $order
     * @param string|null                   $responseUrl  callback URL for the result
     * @param bool                          $printReceipt print a paper receipt on the register
     * @param ModulposCashierInterface|null $cashier      null: the retail point's settings
     *
     * @return array the document status: ['status' => 'QUEUED'|..., 'fnState' => ..., 'message' => ..., ...]
     */
    public function sendCheck(ModulposOrderInterface $order, $responseUrl = null, $printReceipt = false, ?ModulposCashierInterface $cashier = null)
    {
        $document = DocumentBuilder::build($order, $responseUrl, $printReceipt, $cashier);
        $this->lastWarnings = [];
        $result = $this->handle()->sendCheck($document);
        $this->lastWarnings = is_array($result['warnings'] ?? null) ? $result['warnings'] : [];
        $this->lastDelivery = [
            'document_id' => $result['document_id'] ?? null,
            'attempts' => $result['delivery']['attempts'] ?? null,
            'outcome' => $result['delivery']['outcome'] ?? null,
        ];

        return $result['document_status'];
    }

    /**
     * Document status: GET {base}/v1/doc/{documentId}/status.
     *
     * @param string $documentId
     *
     * @return array ['status' => 'QUEUED'|'PENDING'|'PRINTED'|'WAIT_FOR_CALLBACK'|'COMPLETED'|'FAILED'|'REQUEUED',
     *               'fnState' => ..., 'fiscalInfo' => [...]|null, 'failureInfo' => [...]|null, ...]
     */
    public function getStatusDocumentById($documentId)
    {
        return $this->handle()->status($documentId);
    }

    /**
     * Re-runs a FAILED document: PUT {base}/v1/doc/{documentId}/re-queue.
     *
     * @param string $documentId
     *
     * @return array the document status (REQUEUED, then the usual lifecycle)
     */
    public function requeueDocument($documentId)
    {
        return $this->handle()->requeue($documentId);
    }

    /**
     * Revokes this association: DELETE {base}/v1/associate. These credentials stop working.
     */
    public function deleteAssociation()
    {
        $this->handle()->deleteAssociation();
    }

    /**
     * How the last sendCheck() was delivered: ['document_id' => ..., 'attempts' => N,
     * 'outcome' => 'accepted'|'resent'|'found_existing'], or null before the first one.
     *
     * @return array|null
     */
    public function getLastDelivery()
    {
        return $this->lastDelivery;
    }

    /**
     * Sends the audit trail to a PSR-3 logger: one record per HTTP attempt (endpoint, method,
     * HTTP status, duration, outcome, error code, attempt number, document id; README, "Audit
     * trail"), `info` when it succeeded and `warning` when it failed, logged after the call
     * returns. Never a password or an Authorization header. null removes the logger. An
     * exception thrown by the logger is ignored. psr/log is optional: without it the client works
     * the same and this method is simply not used.
     *
     * @param \Psr\Log\LoggerInterface|null $logger
     */
    public function setLogger($logger): void
    {
        $this->logger = $logger;
        if ($this->handle !== null) {
            $this->handle->setLogger($logger);
        }
    }

    /**
     * The native handle, made on first use (for CallbackVerifier).
     *
     * @internal
     */
    public function nativeHandle(): ClientHandle
    {
        return $this->handle();
    }

    /**
     * The native handle is not copied: a clone makes its own on its first call.
     */
    /**
     * The validation warnings of the last sendCheck(): rules the service is not known to enforce
     * (an INN's check digits, ...) that the receipt broke; it was sent anyway. Each is
     * ['field' => 'cashierInn', 'rule' => 'inn_checksum', 'reason' => '...']; the rule codes are
     * listed in the README. Empty before the first sendCheck() and when there were none. With
     * the option 'strict' => true these are errors instead (ValidationException) and nothing is
     * sent.
     *
     * @return array<int, array{field: string, rule: string, reason: string}>
     */
    public function getLastWarnings(): array
    {
        return $this->lastWarnings;
    }

    public function __clone()
    {
        $this->handle = null;
    }

    /**
     * Serializes the settings only; the native handle is made again on the first call.
     *
     * @return string[]
     */
    public function __sleep()
    {
        return ['login', 'password', 'testMode', 'options'];
    }

    /**
     * Keeps the password out of var_dump() and print_r() output.
     *
     * @return array<string, mixed>
     */
    public function __debugInfo()
    {
        return [
            'login' => $this->login,
            'password' => '***',
            'testMode' => $this->testMode,
            'options' => $this->options,
        ];
    }

    private function handle(): ClientHandle
    {
        if ($this->handle === null) {
            $this->handle = new ClientHandle(array_merge($this->options, [
                'login' => $this->login,
                'password' => $this->password,
                'test_mode' => $this->testMode,
            ]));
            if ($this->client !== null) {
                $this->handle->useGuzzle($this->client);
            }
            if ($this->logger !== null) {
                $this->handle->setLogger($this->logger);
            }
        }

        return $this->handle;
    }
}
