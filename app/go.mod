module github.com/example/webservice/app

go 1.26
