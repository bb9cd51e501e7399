<?php

declare(strict_types=1);

namespace Bigperson\ModulposApiClient\Internal;

/**
 * The shop's own Guzzle client as the library's transport (mk_client_set_transport): with its
 * proxy, CA bundle, middleware or MockHandler. The library builds each request, validates, maps
 * the answer onto errors and retries; this class only moves the bytes through Guzzle.
 *
 * A Guzzle failure (no answer: connection refused, a proxy error, ...) is handed to the library
 * as a failed exchange and comes back as a TransportException (the document may exist; sending
 * the same documentUuid again is safe). Every HTTP status, 4xx and 5xx included, is an answer.
 *
 * @internal
 */
final class GuzzleTransport
{
    /** @var \GuzzleHttp\ClientInterface */
    private $guzzle;

    public function __construct(\GuzzleHttp\ClientInterface $guzzle)
    {
        $this->guzzle = $guzzle;
    }

    /**
     * The FFI callback for one exchange: answers through mk_exchange_respond (and mk_exchange_header
     * for Retry-After) or mk_exchange_fail
     * and never lets an exception cross into the library.
     *
     * @param mixed      $userData    unused (NULL)
     * @param \FFI\CData $exchange    MkExchange*
     * @param string|\FFI\CData $requestJson const char*: {"method","url","headers","body"}
     */
    public function __invoke($userData, $exchange, $requestJson): void
    {
        $ffi = Library::ffi();
        $headers = [];
        try {
            // FFI hands a `const char *` argument to PHP as a string already.
            $text = is_string($requestJson) ? $requestJson : \FFI::string($requestJson);
            $request = json_decode($text, true, 8, JSON_THROW_ON_ERROR);
            $headers = $request['headers'];
            $options = ['headers' => $headers, 'http_errors' => false, 'allow_redirects' => false];
            if ($request['body'] !== null) {
                $options['body'] = $request['body'];
            }
            $response = $this->guzzle->request($request['method'], $request['url'], $options);
            $body = (string) $response->getBody();
            $ffi->mk_exchange_respond($exchange, $response->getStatusCode(), $body, strlen($body));
            // The library reads Retry-After (a 408/429/503 waits that long, within the deadline).
            if ($response->hasHeader('Retry-After')) {
                $ffi->mk_exchange_header($exchange, 'Retry-After', $response->getHeaderLine('Retry-After'));
            }
        } catch (\Throwable $e) {
            $ffi->mk_exchange_fail($exchange, self::describe($e, $headers));
        }
    }

    /**
     * The failure's class and message, with every header value of the request (the
     * Authorization header holds the credentials) blanked out.
     *
     * @param array<string, string> $headers
     */
    private static function describe(\Throwable $e, array $headers): string
    {
        $text = get_class($e) . ': ' . $e->getMessage();
        foreach ($headers as $value) {
            if (is_string($value) && strlen($value) >= 8) {
                $text = str_replace($value, '***', $text);
                $credentials = base64_decode((string) substr($value, 6), true);
                if (strpos($value, 'Basic ') === 0 && $credentials !== false && $credentials !== '') {
                    $text = str_replace($credentials, '***', $text);
                    $password = substr($credentials, (int) strpos($credentials, ':') + 1);
                    if ($password !== '') {
                        $text = str_replace($password, '***', $text);
                    }
                }
            }
        }

        return $text;
    }
}
