# libcurl signs (CURLOPT_AWS_SIGV4) and sends; libcrypto hashes; cJSON
# reads the instance metadata service's credentials; parts go on threads.
s3put_LDLIBS = -lcurl -lcrypto -lcjson -lpthread
