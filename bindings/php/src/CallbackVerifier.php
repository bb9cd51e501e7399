<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient;

use Bigperson\ModulposApiClient\Internal\Json;
use Bigperson\ModulposApiClient\Internal\Library;

/**
 * Callbacks you can trust (README, "Trusted callbacks").
 *
 * signedUrl() makes a document's responseURL: the shop's URL plus `mk_doc` (the document id) and
 * `mk_sig` (HMAC-SHA256 of the id with the shop's secret). verify() checks an incoming callback:
 * the signature first (a wrong or missing one throws CallbackException and asks nothing), then the
 * document's status at the service, which is the result — the callback's own `status`/`qr` are
 * never trusted. Answer the callback with 200 after verify() returned, 403 on CallbackException,
 * 503 on a TransportException or a retryable ApiException (the service calls again later).
 *
 * The secret (at least 16 bytes; e.g. bin2hex(random_bytes(32))) is never shown by var_dump(),
 * exceptions or logs.
 */
final class CallbackVerifier
{
    /** @var Client */
    private $client;

    /** @var string */
    private $secret;

    public function __construct(
        Client $client,
        #[\SensitiveParameter]
        string $secret
    ) {
        $this->client = $client;
        $this->secret = $secret;
    }

    /**
     * The signed responseURL of one document: $baseUrl (absolute http(s), no #fragment; its own
     * query is kept) with mk_doc and mk_sig appended. Pass it to Client::sendCheck() as $responseUrl.
     *
     * @param string|int $documentId the order's documentUuid
     */
    public function signedUrl(string $baseUrl, $documentId): string
    {
        $data = Library::call('mk_callback_url', Json::encode([
            'secret' => $this->secret,
            'base_url' => $baseUrl,
            'document_id' => (string) $documentId,
        ]));

        return $data['url'];
    }

    /**
     * Checks an incoming callback and asks the service for the document's status.
     *
     * @param string|null $request the callback's query string or URL; null: $_SERVER['QUERY_STRING']
     *
     * @throws Exceptions\CallbackException  not signed for its document (answer 403)
     * @throws Exceptions\ApiException       the service's answer (e.g. not_found)
     * @throws Exceptions\TransportException no answer from the service (answer 503)
     *
     * @return array ['document_id' => ..., 'document_status' => [the service's DocumentStatus],
     *               'fiscalized' => bool, 'claimed' => ['document_id', 'status', 'qr'],
     *               'claim_agrees' => bool]: act on document_status only
     */
    public function verify(?string $request = null): array
    {
        if ($request === null) {
            $request = isset($_SERVER['QUERY_STRING']) && is_string($_SERVER['QUERY_STRING']) ? $_SERVER['QUERY_STRING'] : '';
        }

        return $this->client->nativeHandle()->verifyCallback(['secret' => $this->secret, 'request' => $request]);
    }

    /**
     * Keeps the secret out of var_dump() and print_r() output.
     *
     * @return array<string, mixed>
     */
    public function __debugInfo()
    {
        return ['client' => $this->client, 'secret' => '***'];
    }

    /** The secret is not serialized. */
    public function __serialize(): array
    {
        throw new \LogicException('a CallbackVerifier holds a secret and cannot be serialized');
    }
}
